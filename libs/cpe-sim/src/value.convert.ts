import type { CwmpValue } from '@acs/cwmp';
import type { ParameterType, SchemaNode } from '@acs/data-model';

type ParamNode = Extract<SchemaNode, { kind: 'parameter' }>;

/** A wire value as the text the data model stores. */
export function toText(value: CwmpValue): string {
  switch (value.type) {
    case 'string':
    case 'dateTime':
    case 'decimal':
      return value.value;
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return String(value.value);
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'base64':
      return Buffer.from(value.value).toString('base64');
    case 'hexBinary':
      return Buffer.from(value.value).toString('hex');
  }
}

/** Stored text → wire value of the schema type (falls back to a typed string when it does not parse). */
export function fromText(text: string, type: ParameterType): CwmpValue {
  switch (type) {
    case 'string':
      return { type: 'string', value: text };
    case 'int':
    case 'unsignedInt': {
      const n = Number(text);
      return Number.isInteger(n) && text.trim() !== ''
        ? { type, value: n }
        : { type: 'string', value: text, xsiType: type };
    }
    case 'long':
    case 'unsignedLong':
      return /^-?[0-9]+$/.test(text)
        ? { type, value: BigInt(text) }
        : { type: 'string', value: text, xsiType: type };
    case 'boolean':
      return { type: 'boolean', value: text === 'true' || text === '1' };
    case 'dateTime':
    case 'decimal':
      return { type, value: text };
    case 'base64':
      return { type: 'base64', value: Buffer.from(text, 'base64') };
    case 'hexBinary':
      return { type: 'hexBinary', value: Buffer.from(text, 'hex') };
  }
}

const RANGES: Partial<Record<ParameterType, [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * TR-069 A.3.2.1 fault per parameter: 9006 when the declared xsi:type cannot be the schema type,
 * 9007 when the value is out of range, malformed or not in the enumeration. Like most field CPEs,
 * a value sent as xsd:string is accepted when its text parses as the schema type.
 */
export function checkValue(
  node: ParamNode,
  value: CwmpValue,
  text: string,
): 9006 | 9007 | undefined {
  const declared = value.type === 'string' && value.xsiType === undefined ? 'string' : value.type;
  const numeric = node.type in RANGES;
  if (declared !== 'string' && declared !== node.type) {
    const compatible =
      (numeric && declared in RANGES) ||
      (node.type === 'string' && declared !== 'base64' && declared !== 'hexBinary');
    if (!compatible) return 9006;
  }
  switch (node.type) {
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong': {
      if (!/^-?[0-9]+$/.test(text)) return 9007;
      const range = RANGES[node.type];
      const n = BigInt(text);
      if (range !== undefined && (n < range[0] || n > range[1])) return 9007;
      break;
    }
    case 'boolean':
      if (!/^(true|false|1|0)$/i.test(text)) return 9007;
      break;
    case 'dateTime':
      if (!DATE_TIME.test(text)) return 9007;
      break;
    case 'decimal':
      if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) return 9007;
      break;
    case 'string':
    case 'base64':
    case 'hexBinary':
      break;
  }
  if (node.enumeration !== undefined && !node.enumeration.includes(text)) return 9007;
  return undefined;
}
