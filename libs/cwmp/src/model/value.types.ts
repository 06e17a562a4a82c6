/**
 * A parameter value with its xsd type (TR-069 A.3.2.1 ParameterValueStruct: Value is
 * xsd:anySimpleType and carries xsi:type). Conversions are lossless: 64-bit integers are
 * bigint, dateTime and decimal keep their lexical form (original precision and zone).
 */
export type CwmpValue =
  | StringValue
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'unsignedInt'; readonly value: number }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'unsignedLong'; readonly value: bigint }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'dateTime'; readonly value: string }
  | { readonly type: 'base64'; readonly value: Uint8Array }
  | { readonly type: 'hexBinary'; readonly value: Uint8Array }
  | { readonly type: 'decimal'; readonly value: string };

export interface StringValue {
  readonly type: 'string';
  readonly value: string;
  /**
   * Set when the device declared another xsi:type that is unknown here (e.g. `unsignedByte`) or
   * whose text did not parse (e.g. an empty `xsd:unsignedInt`): the local type name as received,
   * so the value round-trips unchanged instead of failing the whole envelope.
   */
  readonly xsiType?: string;
}

export type CwmpValueType = CwmpValue['type'];

export interface ParameterValue {
  readonly name: string;
  readonly value: CwmpValue;
}

/** TR-069 A.3.2.1 / TR-106 §3.2: the "Unknown Time" value. */
export const UNKNOWN_TIME = '0001-01-01T00:00:00Z';
