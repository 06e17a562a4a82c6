import { DataModelError, DataModelErrorCode } from './data-model.error';

// Parameter path handling (TR-069 A.2.2.1, TR-106 §3.1): a path is dot-separated; an object path
// ends with '.', a parameter path does not. Instance segments are decimal numbers (1…2^32-1) or,
// with alias-based addressing (CWMP 1.4, TR-069 A.2.2.1), `[alias]`. Schema paths use `{i}`.

export type PathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'instance'; readonly instance: number }
  | { readonly kind: 'alias'; readonly alias: string }
  | { readonly kind: 'placeholder' };

export interface ParsedPath {
  readonly kind: 'object' | 'parameter';
  readonly segments: readonly PathSegment[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
// TR-106 §3.6.1: an Alias is at most 64 characters, starts with a letter, and holds no '.' or ']'.
const ALIAS = /^\[[A-Za-z][^.\]]{0,63}\]$/;
const MAX_PATH_LENGTH = 256;
const MAX_INSTANCE = 4294967295;

function segmentOf(raw: string, path: string): PathSegment {
  if (raw === '{i}') return { kind: 'placeholder' };
  if (/^[0-9]+$/.test(raw)) {
    const n = Number(raw);
    if (raw.startsWith('0') || n < 1 || n > MAX_INSTANCE)
      throw new DataModelError(DataModelErrorCode.InvalidPath, `bad instance number in ${path}`);
    return { kind: 'instance', instance: n };
  }
  if (ALIAS.test(raw)) return { kind: 'alias', alias: raw.slice(1, -1) };
  if (NAME.test(raw)) return { kind: 'name', name: raw };
  throw new DataModelError(DataModelErrorCode.InvalidPath, `bad segment "${raw}" in ${path}`);
}

/** Parses a full object or parameter path; throws DataModelError(InvalidPath). */
export function parsePath(path: string): ParsedPath {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH)
    throw new DataModelError(DataModelErrorCode.InvalidPath, 'empty or over-long path');
  const kind = path.endsWith('.') ? 'object' : 'parameter';
  const raw = (kind === 'object' ? path.slice(0, -1) : path).split('.');
  const segments = raw.map((r) => segmentOf(r, path));
  const first = segments[0];
  if (first === undefined || first.kind !== 'name')
    throw new DataModelError(
      DataModelErrorCode.InvalidPath,
      `path must start with a name: ${path}`,
    );
  const last = segments[segments.length - 1];
  if (kind === 'parameter' && last?.kind !== 'name')
    throw new DataModelError(
      DataModelErrorCode.InvalidPath,
      `a parameter name cannot be an instance: ${path}`,
    );
  return { kind, segments };
}

/** True when `path` parses (see parsePath). */
export function isValidPath(path: string): boolean {
  try {
    parsePath(path);
    return true;
  } catch {
    return false;
  }
}

export function isObjectPath(path: string): boolean {
  return path.endsWith('.');
}

/** `Device.WiFi.SSID.2.SSID` → `Device.WiFi.SSID.{i}.SSID` (aliases too). Pure string work, no validation. */
export function toSchemaPath(path: string): string {
  return path.replace(/\.(?:[0-9]+|\[[^\]]*\])(?=\.|$)/g, '.{i}');
}

/** The instance numbers along a path: `Device.IP.Interface.1.IPv4Address.3.` → [1, 3]. */
export function instanceNumbers(path: string): number[] {
  const out: number[] = [];
  for (const m of path.matchAll(/\.([0-9]+)(?=\.|$)/g)) out.push(Number(m[1]));
  return out;
}

/** The object that contains a path: parameter → its object; object → its parent object. */
export function parentPath(path: string): string {
  const trimmed = path.endsWith('.') ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf('.');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

/** Fills `{i}` placeholders in order: (`A.{i}.B.{i}.`, [1, 2]) → `A.1.B.2.`. */
export function instantiatePath(schemaPath: string, instances: readonly number[]): string {
  let k = 0;
  return schemaPath.replace(/\{i\}/g, () => {
    const n = instances[k++];
    if (n === undefined)
      throw new DataModelError(
        DataModelErrorCode.InvalidPath,
        `too few instances for ${schemaPath}`,
      );
    return String(n);
  });
}

/** Formats parsed segments back into a path. */
export function formatPath(parsed: ParsedPath): string {
  const body = parsed.segments
    .map((s) => {
      switch (s.kind) {
        case 'name':
          return s.name;
        case 'instance':
          return String(s.instance);
        case 'alias':
          return `[${s.alias}]`;
        case 'placeholder':
          return '{i}';
      }
    })
    .join('.');
  return parsed.kind === 'object' ? `${body}.` : body;
}
