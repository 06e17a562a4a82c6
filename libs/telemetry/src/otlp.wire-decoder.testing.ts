// Test helper (not exported from the lib): a strict protobuf wire-format decoder that turns an OTLP
// ExportTraceServiceRequest into a canonical tree, so two encoders can be compared by meaning.
// Strict: an unknown field number, a wire type other than the schema's, a length running past
// its message, a truncated varint or invalid UTF-8 all throw — so a wrong tag, wire type or length
// prefix fails the comparison instead of decoding to something else. Field numbers are those of
// opentelemetry-proto (collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// common/v1/common.proto, resource/v1/resource.proto).

type Scalar = 'string' | 'bytes' | 'uint' | 'int64' | 'fixed32' | 'fixed64' | 'double' | 'bool';
interface FieldSpec {
  readonly name: string;
  readonly type: Scalar | (() => Schema);
}
type Schema = Readonly<Record<number, FieldSpec>>;

/** A decoded message: field name → every occurrence, in wire order. Scalars: 64-bit values as bigint. */
export interface DecodedMessage {
  [field: string]: DecodedValue[];
}
export type DecodedValue = string | number | bigint | boolean | DecodedMessage;

const ANY_VALUE: Schema = {
  1: { name: 'string_value', type: 'string' },
  2: { name: 'bool_value', type: 'bool' },
  3: { name: 'int_value', type: 'int64' },
  4: { name: 'double_value', type: 'double' },
  5: { name: 'array_value', type: () => ARRAY_VALUE },
  6: { name: 'kvlist_value', type: () => KEY_VALUE_LIST },
  7: { name: 'bytes_value', type: 'bytes' },
};
const KEY_VALUE: Schema = {
  1: { name: 'key', type: 'string' },
  2: { name: 'value', type: () => ANY_VALUE },
};
const ARRAY_VALUE: Schema = { 1: { name: 'values', type: () => ANY_VALUE } };
const KEY_VALUE_LIST: Schema = { 1: { name: 'values', type: () => KEY_VALUE } };
const RESOURCE: Schema = {
  1: { name: 'attributes', type: () => KEY_VALUE },
  2: { name: 'dropped_attributes_count', type: 'uint' },
};
const SCOPE: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'version', type: 'string' },
  3: { name: 'attributes', type: () => KEY_VALUE },
  4: { name: 'dropped_attributes_count', type: 'uint' },
};
const EVENT: Schema = {
  1: { name: 'time_unix_nano', type: 'fixed64' },
  2: { name: 'name', type: 'string' },
  3: { name: 'attributes', type: () => KEY_VALUE },
  4: { name: 'dropped_attributes_count', type: 'uint' },
};
const LINK: Schema = {
  1: { name: 'trace_id', type: 'bytes' },
  2: { name: 'span_id', type: 'bytes' },
  3: { name: 'trace_state', type: 'string' },
  4: { name: 'attributes', type: () => KEY_VALUE },
  5: { name: 'dropped_attributes_count', type: 'uint' },
  6: { name: 'flags', type: 'fixed32' },
};
const STATUS: Schema = {
  2: { name: 'message', type: 'string' },
  3: { name: 'code', type: 'uint' },
};
const SPAN: Schema = {
  1: { name: 'trace_id', type: 'bytes' },
  2: { name: 'span_id', type: 'bytes' },
  3: { name: 'trace_state', type: 'string' },
  4: { name: 'parent_span_id', type: 'bytes' },
  5: { name: 'name', type: 'string' },
  6: { name: 'kind', type: 'uint' },
  7: { name: 'start_time_unix_nano', type: 'fixed64' },
  8: { name: 'end_time_unix_nano', type: 'fixed64' },
  9: { name: 'attributes', type: () => KEY_VALUE },
  10: { name: 'dropped_attributes_count', type: 'uint' },
  11: { name: 'events', type: () => EVENT },
  12: { name: 'dropped_events_count', type: 'uint' },
  13: { name: 'links', type: () => LINK },
  14: { name: 'dropped_links_count', type: 'uint' },
  15: { name: 'status', type: () => STATUS },
  16: { name: 'flags', type: 'fixed32' },
};
const SCOPE_SPANS: Schema = {
  1: { name: 'scope', type: () => SCOPE },
  2: { name: 'spans', type: () => SPAN },
  3: { name: 'schema_url', type: 'string' },
};
const RESOURCE_SPANS: Schema = {
  1: { name: 'resource', type: () => RESOURCE },
  2: { name: 'scope_spans', type: () => SCOPE_SPANS },
  3: { name: 'schema_url', type: 'string' },
};
const EXPORT_TRACE_SERVICE_REQUEST: Schema = {
  1: { name: 'resource_spans', type: () => RESOURCE_SPANS },
};

const WIRE_TYPE: Record<Scalar, number> = {
  uint: 0,
  int64: 0,
  bool: 0,
  fixed64: 1,
  double: 1,
  string: 2,
  bytes: 2,
  fixed32: 5,
};
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error(`truncated varint at ${this.pos}`);
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (result >= 1n << 64n) throw new Error(`varint over 64 bits at ${this.pos}`);
        return result;
      }
    }
    throw new Error(`varint longer than 10 bytes at ${this.pos}`);
  }

  fixed(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Error(`truncated fixed${n * 8} at ${this.pos}`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  lengthDelimited(): Uint8Array {
    const len = this.varint();
    if (len > BigInt(this.end - this.pos))
      throw new Error(`length ${len} at ${this.pos} runs past the enclosing message`);
    return this.fixed(Number(len));
  }
}

function scalar(r: Reader, type: Scalar): DecodedValue {
  switch (type) {
    case 'uint':
      return r.varint();
    case 'int64':
      return BigInt.asIntN(64, r.varint());
    case 'bool': {
      const v = r.varint();
      if (v > 1n) throw new Error(`bool ${v}`);
      return v === 1n;
    }
    case 'fixed64':
      return Buffer.from(r.fixed(8)).readBigUInt64LE(0);
    case 'double':
      return Buffer.from(r.fixed(8)).readDoubleLE(0);
    case 'fixed32':
      return Buffer.from(r.fixed(4)).readUInt32LE(0);
    case 'string':
      return utf8.decode(r.lengthDelimited());
    case 'bytes':
      return Buffer.from(r.lengthDelimited()).toString('hex');
  }
}

function decodeMessage(bytes: Uint8Array, schema: Schema): DecodedMessage {
  const r = new Reader(bytes, 0, bytes.length);
  const fields = new Map<number, DecodedValue[]>();
  while (r.pos < r.end) {
    const key = r.varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    const spec = schema[number];
    if (spec === undefined) throw new Error(`unknown field ${number} (wire type ${wireType})`);
    const expected = typeof spec.type === 'function' ? 2 : WIRE_TYPE[spec.type];
    if (wireType !== expected)
      throw new Error(`field ${spec.name} (${number}) has wire type ${wireType}, not ${expected}`);
    const value =
      typeof spec.type === 'function'
        ? decodeMessage(r.lengthDelimited(), spec.type())
        : scalar(r, spec.type);
    const list = fields.get(number);
    if (list === undefined) fields.set(number, [value]);
    else list.push(value);
  }
  // Canonical: fields by number whatever their order on the wire; repeated fields keep theirs.
  const out: DecodedMessage = {};
  for (const number of [...fields.keys()].sort((a, b) => a - b))
    out[schema[number]!.name] = fields.get(number)!;
  return out;
}

/** Decodes an ExportTraceServiceRequest body strictly (throws on anything off-schema). */
export function decodeExportTraceServiceRequest(bytes: Uint8Array): DecodedMessage {
  return decodeMessage(bytes, EXPORT_TRACE_SERVICE_REQUEST);
}

/** The spans of a decoded request, flattened across resources and scopes. */
export function decodedSpans(request: DecodedMessage): DecodedMessage[] {
  const spans: DecodedMessage[] = [];
  for (const rs of (request['resource_spans'] ?? []) as DecodedMessage[])
    for (const ss of (rs['scope_spans'] ?? []) as DecodedMessage[])
      spans.push(...((ss['spans'] ?? []) as DecodedMessage[]));
  return spans;
}
