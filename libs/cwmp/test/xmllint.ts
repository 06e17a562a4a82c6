import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CwmpVersion } from '../src';

// Offline XSD validation with libxml2's xmllint. The BBF schemas import the SOAP envelope/encoding
// schemas (and 1-3/1-4 include 1-2/1-3) by URL; an XML catalog maps those URLs to local files.

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The BBF schemas are not in the repo (licence, size): CI has ../shared beside the clone. */
export const BBF_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'bbf');
const LOCAL_SCHEMAS = path.resolve(__dirname, 'schemas');

/** The cwmp XSD that validates an envelope of a given protocol version. */
export function schemaFor(version: CwmpVersion): string {
  return path.join(BBF_DIR, `cwmp-${version.replace('.', '-')}.xsd`);
}

/** Fails loudly (never skips) when the tools or schemas the XSD tests need are missing. */
export function requireXmllint(): void {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(
      'xmllint is not on PATH: install libxml2-utils (Debian/Ubuntu) or libxml2 (Alpine/macOS) to run the XSD tests',
    );
  }
  if (!existsSync(schemaFor('1.0')))
    throw new Error(`BBF schemas not found in ${BBF_DIR} (expected ../shared/bbf beside the repo)`);
}

let catalog: string | undefined;
function catalogFile(): string {
  if (catalog !== undefined) return catalog;
  const map: [string, string][] = [
    ['http://schemas.xmlsoap.org/soap/envelope/', path.join(LOCAL_SCHEMAS, 'soap-envelope.xsd')],
    ['http://schemas.xmlsoap.org/soap/encoding/', path.join(LOCAL_SCHEMAS, 'soap-encoding.xsd')],
    ['http://www.broadband-forum.org/cwmp/cwmp-1-2.xsd', path.join(BBF_DIR, 'cwmp-1-2.xsd')],
    ['http://www.broadband-forum.org/cwmp/cwmp-1-3.xsd', path.join(BBF_DIR, 'cwmp-1-3.xsd')],
  ];
  const entries = map
    .map(([url, file]) => {
      const uri = pathToFileURL(file).href;
      return `  <system systemId="${url}" uri="${uri}"/>\n  <uri name="${url}" uri="${uri}"/>`;
    })
    .join('\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'cwmp-catalog-'));
  catalog = path.join(dir, 'catalog.xml');
  writeFileSync(
    catalog,
    `<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n${entries}\n</catalog>\n`,
  );
  return catalog;
}

export interface ValidationResult {
  readonly file: string;
  readonly ok: boolean;
  readonly messages: string;
}

/** Validate files against one schema in a single xmllint run. */
export function validateFiles(schema: string, files: readonly string[]): ValidationResult[] {
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    // eslint-disable-next-line no-restricted-properties -- the child's environment, not configuration
    env: { ...process.env, XML_CATALOG_FILES: catalogFile() },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined) throw r.error;
  const out = r.stderr + r.stdout;
  if (/failed to compile|WXS schema .* failed/i.test(out))
    throw new Error(`schema ${schema} did not compile:\n${out}`);
  return files.map((file) => ({
    file,
    ok: out.includes(`${file} validates`),
    messages: out
      .split('\n')
      .filter((l) => l.startsWith(file))
      .join('\n'),
  }));
}

/** Pretty-print XML with xmllint --format (for generated fixtures). */
export function formatXml(xml: string): string {
  const r = spawnSync('xmllint', ['--format', '-'], { input: xml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
