// @acs/cwmp — CWMP (TR-069) SOAP codec: typed messages, parser, serializer, faults, version
// negotiation and HTTP auth helpers. Pure: no I/O.

export { CwmpError, CwmpErrorCode, type CwmpErrorDetails, type CwmpLimitName } from './cwmp.error';

// Model
export type * from './model/value.types';
export type * from './model/cpe-methods.types';
export type * from './model/acs-methods.types';
export type * from './model/envelope.types';
export { UNKNOWN_TIME } from './model/value.types';
export { CWMP_VERSIONS } from './model/envelope.types';

// Codec
export {
  parseEnvelope,
  serializeEnvelope,
  KNOWN_METHODS,
  type ParseOptions,
  type EnvelopeInput,
} from './codec/envelope.codec';
export { DEFAULT_SERIALIZE_OPTIONS, type SerializeOptions } from './codec/serialize.options';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './xml/xml-limits';
export { parseValue } from './codec/value.codec';
export { namespaceOfVersion, versionOfNamespace } from './codec/namespace';
export {
  negotiateVersion,
  type NegotiationInput,
  type NegotiationResult,
} from './codec/version.negotiation';

// Faults
export {
  AcsFaultCode,
  CpeFaultCode,
  STANDARD_FAULTS,
  acsFaultFor,
  buildFault,
  faultEnvelope,
  faultInfo,
  soapFaultCodeOf,
  type FaultInfo,
  type FaultOptions,
  type SoapFaultCode,
} from './faults/fault-codes';

// HTTP authentication
export { parseAuthHeader, type AuthChallenge } from './auth/auth-header.parser';
export {
  buildDigestAuthorization,
  createDigestChallenge,
  digestHa1,
  parseDigestAuthorization,
  parseDigestChallenge,
  verifyDigest,
  type DigestAlgorithm,
  type DigestAnswerInput,
  type DigestChallenge,
  type DigestChallengeOptions,
  type DigestCredentials,
  type DigestVerifyInput,
  type IssuedDigestChallenge,
  type RandomBytes,
} from './auth/digest.auth';
export {
  buildBasicAuthorization,
  createBasicChallenge,
  parseBasicAuthorization,
  type BasicCredentials,
} from './auth/basic.auth';
