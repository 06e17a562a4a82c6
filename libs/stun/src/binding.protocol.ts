import {
  decodeAddressValue,
  encodeAddressValue,
  encodeErrorCodeValue,
  encodeUnknownAttributesValue,
  type TransportAddress,
} from './stun-attributes.codec';
import { StunAttr, StunMethod, TR111_BINDING_VALUE } from './stun.constants';
import { StunError, StunErrorCode } from './stun.error';
import {
  checkFingerprint,
  decodeStunMessage,
  encodeStunMessage,
  type StunMessage,
} from './stun-message.codec';

// Comprehension-required attributes (type < 0x8000) this server understands; any other one in a
// request gets 420 Unknown Attribute (RFC 5389 §7.3.1). RESPONSE-ADDRESS (0x0002) and
// CHANGE-REQUEST (0x0003) come from RFC 3489 clients: accepted, answered from our one address.
const UNDERSTOOD = new Set<number>([
  StunAttr.MappedAddress,
  0x0002,
  StunAttr.ChangeRequest,
  StunAttr.Username,
  StunAttr.MessageIntegrity,
  StunAttr.ErrorCode,
  StunAttr.UnknownAttributes,
  StunAttr.Realm,
  StunAttr.Nonce,
  StunAttr.XorMappedAddress,
]);

const MAX_USERNAME_BYTES = 513; // RFC 5389 §15.3

/** What a Binding Request says, in TR-111 terms. */
export interface BindingRequestView {
  readonly message: StunMessage;
  readonly username?: string;
  readonly hasIntegrity: boolean;
  /** TR-111 §2.2.1 CONNECTION-REQUEST-BINDING with the exact 20-byte value. */
  readonly connectionRequestBinding: boolean;
  readonly bindingChange: boolean;
  readonly unknownRequired: readonly number[];
  readonly fingerprint: 'ok' | 'bad' | 'absent';
}

/**
 * Decodes a datagram that should be a Binding Request.
 * @throws StunError NotStun / Malformed (also for a STUN message that is not a Binding Request)
 */
export function readBindingRequest(datagram: Buffer): BindingRequestView {
  const message = decodeStunMessage(datagram);
  if (message.method !== StunMethod.Binding || message.cls !== 'request')
    throw new StunError(
      StunErrorCode.Malformed,
      `not a Binding Request (${message.cls} 0x${message.method.toString(16)})`,
    );
  let username: string | undefined;
  let hasIntegrity = false;
  let crb = false;
  let change = false;
  const unknownRequired: number[] = [];
  for (const a of message.attributes) {
    // RFC 5389 §15.4: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
    if (hasIntegrity) continue;
    switch (a.type) {
      case StunAttr.Username:
        if (a.value.length === 0 || a.value.length > MAX_USERNAME_BYTES)
          throw new StunError(StunErrorCode.Malformed, 'bad USERNAME length');
        username = a.value.toString('utf8');
        break;
      case StunAttr.MessageIntegrity:
        hasIntegrity = true;
        break;
      case StunAttr.ConnectionRequestBinding:
        // TR-111: some CPEs pad or drop the trailing space; accept the marker's prefix.
        crb = a.value.toString('latin1').trimEnd() === TR111_BINDING_VALUE.trimEnd();
        break;
      case StunAttr.BindingChange:
        change = true;
        break;
      default:
        if (a.type < 0x8000 && !UNDERSTOOD.has(a.type)) unknownRequired.push(a.type);
    }
  }
  return {
    message,
    ...(username === undefined ? {} : { username }),
    hasIntegrity,
    connectionRequestBinding: crb,
    bindingChange: change,
    unknownRequired,
    fingerprint: checkFingerprint(message),
  };
}

export interface BindingSuccessInput {
  readonly request: StunMessage;
  /** The source address the request came from (the CPE's NAT binding). */
  readonly mapped: TransportAddress;
  readonly integrityKey?: Buffer;
}

/** RFC 5389 §10.1.3: XOR-MAPPED-ADDRESS; MAPPED-ADDRESS too, which RFC 3489 clients read. */
export function buildBindingSuccess(input: BindingSuccessInput): Buffer {
  const req = input.request;
  const attrs: { type: number; value: Buffer }[] = [
    { type: StunAttr.MappedAddress, value: encodeAddressValue(input.mapped) },
  ];
  if (!req.classic)
    attrs.push({
      type: StunAttr.XorMappedAddress,
      value: encodeAddressValue(input.mapped, req.transactionId),
    });
  return encodeStunMessage({
    method: StunMethod.Binding,
    cls: 'success',
    transactionId: req.transactionId,
    attributes: attrs,
    ...(input.integrityKey === undefined ? {} : { integrityKey: input.integrityKey }),
    fingerprint: !req.classic,
  });
}

export interface BindingErrorInput {
  readonly request: StunMessage;
  readonly code: 400 | 401 | 420 | 500;
  readonly reason: string;
  readonly unknown?: readonly number[];
  readonly integrityKey?: Buffer;
}

export function buildBindingError(input: BindingErrorInput): Buffer {
  const attrs: { type: number; value: Buffer }[] = [
    { type: StunAttr.ErrorCode, value: encodeErrorCodeValue(input) },
  ];
  if (input.unknown !== undefined && input.unknown.length > 0)
    attrs.push({
      type: StunAttr.UnknownAttributes,
      value: encodeUnknownAttributesValue(input.unknown),
    });
  return encodeStunMessage({
    method: StunMethod.Binding,
    cls: 'error',
    transactionId: input.request.transactionId,
    attributes: attrs,
    ...(input.integrityKey === undefined ? {} : { integrityKey: input.integrityKey }),
    fingerprint: !input.request.classic,
  });
}

export interface BindingRequestInput {
  /** 12 bytes (RFC 5389) or 16 bytes (classic RFC 3489). */
  readonly transactionId: Buffer;
  readonly username?: string;
  readonly connectionRequestBinding?: boolean;
  readonly bindingChange?: boolean;
  /** The STUN password (short-term credential) for MESSAGE-INTEGRITY. */
  readonly integrityKey?: Buffer;
  readonly fingerprint?: boolean;
}

/** What a TR-111 CPE sends (for the simulator and tests). */
export function buildBindingRequest(input: BindingRequestInput): Buffer {
  const attrs: { type: number; value: Buffer }[] = [];
  if (input.username !== undefined)
    attrs.push({ type: StunAttr.Username, value: Buffer.from(input.username, 'utf8') });
  if (input.connectionRequestBinding === true)
    attrs.push({
      type: StunAttr.ConnectionRequestBinding,
      value: Buffer.from(TR111_BINDING_VALUE, 'latin1'),
    });
  if (input.bindingChange === true)
    attrs.push({ type: StunAttr.BindingChange, value: Buffer.alloc(0) });
  return encodeStunMessage({
    method: StunMethod.Binding,
    cls: 'request',
    transactionId: input.transactionId,
    attributes: attrs,
    ...(input.integrityKey === undefined ? {} : { integrityKey: input.integrityKey }),
    fingerprint: input.fingerprint === true,
  });
}

/** The mapped address of a Binding success response: XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS. */
export function readMappedAddress(msg: StunMessage): TransportAddress | undefined {
  const xor = msg.attributes.find((a) => a.type === StunAttr.XorMappedAddress);
  if (xor !== undefined) return decodeAddressValue(xor.value, msg.transactionId);
  const plain = msg.attributes.find((a) => a.type === StunAttr.MappedAddress);
  return plain === undefined ? undefined : decodeAddressValue(plain.value);
}
