/** Why a CWMP envelope (or an auth header) was refused. The gateway maps each to a SOAP fault or HTTP status. */
export enum CwmpErrorCode {
  /** Not well-formed XML (unbalanced tags, bad attribute syntax, junk after the root...). */
  XmlMalformed = 'XmlMalformed',
  /** A DOCTYPE or entity declaration: never processed (billion laughs, XXE). */
  DoctypeForbidden = 'DoctypeForbidden',
  /** A reference to an entity other than the five predefined ones, or to a character XML does not allow. */
  EntityForbidden = 'EntityForbidden',
  /** A configured parser limit was hit; `details.limit` names it. */
  LimitExceeded = 'LimitExceeded',
  /** Well-formed, but not a SOAP envelope with a CWMP body. */
  InvalidEnvelope = 'InvalidEnvelope',
  /** The SOAP Body holds no element: the gateway treats it like an empty POST. */
  EmptyBody = 'EmptyBody',
  /** The body element is not a CWMP method this codec knows (the gateway answers fault 8000). */
  UnknownMethod = 'UnknownMethod',
  /** A known method with missing or malformed arguments (the gateway answers fault 8003). */
  InvalidMessage = 'InvalidMessage',
  /** A value the serializer cannot put into XML 1.0 (e.g. a control character). */
  InvalidValue = 'InvalidValue',
  /** An HTTP Authorization / WWW-Authenticate header that cannot be parsed. */
  AuthMalformed = 'AuthMalformed',
}

export type CwmpLimitName =
  'maxBytes' | 'maxDepth' | 'maxElements' | 'maxAttributes' | 'maxTextLength';

export interface CwmpErrorDetails {
  /** Character offset into the decoded document. */
  offset?: number;
  /** 1-based line of `offset`. */
  line?: number;
  /** Element path, e.g. `/Envelope/Body/Inform/ParameterList/ParameterValueStruct[3]/Value`. */
  path?: string;
  /** For LimitExceeded: which limit. */
  limit?: CwmpLimitName;
  /** For UnknownMethod (and any error after the body element was found): the element's local name. */
  method?: string;
  /** The cwmp:ID header if it was read before the error, so the fault can echo it. */
  id?: string;
}

export class CwmpError extends Error {
  override readonly name = 'CwmpError';

  constructor(
    readonly code: CwmpErrorCode,
    message: string,
    readonly details: CwmpErrorDetails = {},
  ) {
    super(message);
  }

  static limit(limit: CwmpLimitName, max: number, offset?: number): CwmpError {
    return new CwmpError(CwmpErrorCode.LimitExceeded, `limit ${limit}=${max} exceeded`, {
      limit,
      offset,
    });
  }
}

/** 1-based line number of `offset` in `text` (computed only when an error is reported). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
