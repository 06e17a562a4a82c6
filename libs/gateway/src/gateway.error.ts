/** Why the gateway refused or failed a request; the HTTP layer maps each code to one status. */
export enum GatewayErrorCode {
  /** Not a CWMP request the session can take (no Inform first, unexpected message, bad XML). → 400 */
  BadRequest = 'GATEWAY_BAD_REQUEST',
  /** The body is larger than the configured limit (raw or decompressed). → 413 */
  PayloadTooLarge = 'GATEWAY_PAYLOAD_TOO_LARGE',
  /** A Content-Encoding other than identity, gzip or deflate. → 415 */
  UnsupportedEncoding = 'GATEWAY_UNSUPPORTED_ENCODING',
  /** The body did not arrive within the body-read deadline (slowloris). → 408 */
  BodyTimeout = 'GATEWAY_BODY_TIMEOUT',
  /** A dependency (bus, session registry, store) is unavailable; the CPE retries. → 503 */
  Unavailable = 'GATEWAY_UNAVAILABLE',
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
