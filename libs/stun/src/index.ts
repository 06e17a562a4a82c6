// @acs/stun — STUN (RFC 5389, RFC 3489 classic) codec with the TR-111 attributes. Pure: no I/O.

export { StunError, StunErrorCode } from './stun.error';
export {
  FINGERPRINT_XOR,
  MAGIC_COOKIE,
  MAX_STUN_MESSAGE,
  StunAttr,
  StunMethod,
  TR111_BINDING_VALUE,
  type StunClass,
} from './stun.constants';
export { bytesToIp, ipFamilyOf, ipToBytes, parseIpv4, parseIpv6, type IpFamily } from './ip.codec';
export {
  MAX_ATTRIBUTES,
  checkFingerprint,
  checkMessageIntegrity,
  decodeStunMessage,
  encodeStunMessage,
  messageType,
  type StunAttribute,
  type StunMessage,
  type StunMessageInput,
} from './stun-message.codec';
export {
  decodeAddressValue,
  decodeErrorCodeValue,
  decodeUnknownAttributesValue,
  encodeAddressValue,
  encodeErrorCodeValue,
  encodeUnknownAttributesValue,
  type StunErrorCodeValue,
  type TransportAddress,
} from './stun-attributes.codec';
export {
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  readBindingRequest,
  readMappedAddress,
  type BindingErrorInput,
  type BindingRequestInput,
  type BindingRequestView,
  type BindingSuccessInput,
} from './binding.protocol';
