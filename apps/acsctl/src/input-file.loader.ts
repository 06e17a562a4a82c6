import { parseDocument } from 'yaml';
import { AcsctlError, AcsctlErrorCode } from './acsctl.error';

// Profiles and task operations come from files the operator writes: YAML (a superset of JSON, so
// .json files parse too). Errors name the file and the line; the API then validates the content
// and names the field. Limits keep a wrong path (a firmware image, /dev/zero) from eating memory.

export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Parses one YAML or JSON document into a plain object. */
export function parseInputFile(name: string, text: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES)
    throw invalid(name, `larger than ${MAX_INPUT_BYTES} bytes`);
  // uniqueKeys: a repeated key is a mistake, not "last one wins"; maxAliasCount bounds the
  // "billion laughs" expansion of anchors/aliases.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const where = first.linePos?.[0];
    throw invalid(
      name,
      `${where === undefined ? '' : `line ${where.line}, column ${where.col}: `}${firstLine(first.message)}`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw invalid(name, (e as Error).message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(name, 'expected a mapping (an object) at the top level');
  return value as Record<string, unknown>;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function invalid(name: string, why: string): AcsctlError {
  return new AcsctlError(AcsctlErrorCode.InvalidFile, `${name}: ${why}`);
}
