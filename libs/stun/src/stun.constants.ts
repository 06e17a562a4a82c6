// RFC 5389 §6: the magic cookie distinguishes RFC 5389 messages from RFC 3489 ("classic") ones,
// whose transaction id is 128 bits instead.
export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
/** RFC 5389 §15.5: CRC-32 of the message XOR this value. */
export const FINGERPRINT_XOR = 0x5354554e;
/** Largest datagram the codec looks at; STUN over UDP stays well below the path MTU. */
export const MAX_STUN_MESSAGE = 2048;

export const StunMethod = {
  Binding: 0x001,
} as const;

export type StunClass = 'request' | 'indication' | 'success' | 'error';

export const StunAttr = {
  MappedAddress: 0x0001,
  // RFC 3489 §11.2.2 CHANGE-REQUEST, accepted and ignored (we have one address).
  ChangeRequest: 0x0003,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
  // TR-111 §2.2.1 (TR-069 Annex G.2.1): the CPE's binding keep-alive carries this marker so the
  // server knows the binding is for UDP connection requests.
  ConnectionRequestBinding: 0xc001,
  // TR-111 §2.2.1: present when the CPE's mapped address changed since its last request.
  BindingChange: 0xc002,
} as const;

/** TR-111 §2.2.1: CONNECTION-REQUEST-BINDING's value, 20 bytes including the trailing space. */
export const TR111_BINDING_VALUE = 'dslforum.org/TR-111 ';
