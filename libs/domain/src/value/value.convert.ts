import type { CwmpValue, CwmpValueType } from '@acs/cwmp';
import { toSchemaPath, tr098Schema, tr181Schema, type DataModelSchema } from '@acs/data-model';
import type { DeviceState } from '../device/device-state.types';

/** A desired value as declared in a profile or task (JSON/YAML scalars). */
export type DesiredScalar = string | number | boolean;

const INT32 = /^-?[0-9]{1,10}$/;
const UINT = /^[0-9]{1,20}$/;
const INT = /^-?[0-9]{1,20}$/;

/** The xsd type to send for `path`: the type the device reported, else the data model's, else string. */
export function typeFor(
  state: DeviceState,
  path: string,
): { type: CwmpValueType; xsiType?: string; from: 'device' | 'model' | 'default' } {
  const node = state.nodes[path];
  if (node?.kind === 'parameter' && node.value !== undefined) {
    const v = node.value;
    // A string the device typed as something unknown here (e.g. unsignedByte) keeps that xsi:type.
    if (v.type === 'string' && v.xsiType !== undefined)
      return { type: 'string', xsiType: v.xsiType, from: 'device' };
    return { type: v.type, from: 'device' };
  }
  const schema = schemaFor(path);
  const entry = schema?.get(toSchemaPath(path));
  if (entry?.kind === 'parameter') return { type: entry.type, from: 'model' };
  return { type: 'string', from: 'default' };
}

function schemaFor(path: string): DataModelSchema | undefined {
  if (path.startsWith('Device.')) return tr181Schema();
  if (path.startsWith('InternetGatewayDevice.')) return tr098Schema();
  return undefined;
}

function bytesOf(text: string, type: 'base64' | 'hexBinary'): Uint8Array | undefined {
  if (type === 'hexBinary') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return undefined;
    return Uint8Array.from(Buffer.from(text, 'hex'));
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** Converts a declared scalar to a typed value; undefined when it does not fit the type. */
export function toCwmpValue(
  raw: DesiredScalar,
  type: CwmpValueType,
  xsiType?: string,
): CwmpValue | undefined {
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  switch (type) {
    case 'string': {
      const value = typeof raw === 'string' ? raw : String(raw);
      return xsiType === undefined ? { type, value } : { type, value, xsiType };
    }
    case 'boolean':
      // TR-069 A.3.2.1 / XML Schema: xsd:boolean lexical forms are true/false/1/0.
      if (raw === true || text === 'true' || text === '1') return { type, value: true };
      if (raw === false || text === 'false' || text === '0') return { type, value: false };
      return undefined;
    case 'int': {
      if (!INT32.test(text)) return undefined;
      const n = Number(text);
      return n >= -2147483648 && n <= 2147483647 ? { type, value: n } : undefined;
    }
    case 'unsignedInt': {
      if (!UINT.test(text)) return undefined;
      const n = Number(text);
      return n <= 4294967295 ? { type, value: n } : undefined;
    }
    case 'long': {
      if (!INT.test(text)) return undefined;
      const n = BigInt(text);
      return n >= -(2n ** 63n) && n < 2n ** 63n ? { type, value: n } : undefined;
    }
    case 'unsignedLong': {
      if (!UINT.test(text)) return undefined;
      const n = BigInt(text);
      return n < 2n ** 64n ? { type, value: n } : undefined;
    }
    case 'dateTime':
      return /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/.test(
        text,
      )
        ? { type, value: text }
        : undefined;
    case 'decimal':
      return /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text)
        ? { type, value: text }
        : undefined;
    case 'base64':
    case 'hexBinary': {
      const bytes = bytesOf(text, type);
      return bytes === undefined ? undefined : { type, value: bytes };
    }
  }
}

/** A value's lexical form (base64 for base64, hex for hexBinary). */
export function lexical(v: CwmpValue): string {
  switch (v.type) {
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'base64':
      return Buffer.from(v.value).toString('base64');
    case 'hexBinary':
      return Buffer.from(v.value).toString('hex');
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return v.value.toString();
    case 'string':
    case 'dateTime':
    case 'decimal':
      return v.value;
  }
}

function sameInstant(a: string, b: string): boolean {
  if (a === b) return true;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && ta === tb;
}

/** `+001.500` → `1.5`, `-0.0` → `0`: the same decimal number, one spelling. */
function canonicalDecimal(text: string): string {
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*?)0*)?$/.exec(text.trim());
  if (m === null) return text;
  const int = m[2] === '' ? '0' : (m[2] ?? '0');
  const frac = m[3] ?? '';
  const sign = m[1] === '-' && (int !== '0' || frac !== '') ? '-' : '';
  return frac === '' ? `${sign}${int}` : `${sign}${int}.${frac}`;
}

/**
 * True when the device's value equals the desired one. The current value is reinterpreted in the
 * desired type, so a device reporting a boolean as an untyped "1" matches `true`.
 */
export function sameValue(current: CwmpValue, desired: CwmpValue): boolean {
  if (current.type === desired.type) {
    // Devices reformat some types (CWMP-NOTES: dateTimes without milliseconds, `1.50` vs `1.5`):
    // compare those by meaning, or every read would look like a drift and end in a loop fault.
    if (desired.type === 'dateTime') return sameInstant(lexical(current), desired.value);
    if (desired.type === 'decimal')
      return canonicalDecimal(lexical(current)) === canonicalDecimal(desired.value);
    return lexical(current) === lexical(desired);
  }
  const asDesired = toCwmpValue(lexical(current), desired.type);
  return asDesired !== undefined && lexical(asDesired) === lexical(desired);
}
