export enum CpeSimErrorCode {
  /** The ACS answered something a CPE cannot continue the session with. */
  SessionProtocol = 'SessionProtocol',
  /** The HTTP exchange failed (connection refused/reset, timeout, non-2xx). */
  Transport = 'Transport',
  /** A template or device group configuration that cannot work. */
  InvalidConfig = 'InvalidConfig',
}

export class CpeSimError extends Error {
  override readonly name = 'CpeSimError';
  constructor(
    readonly code: CpeSimErrorCode,
    message: string,
  ) {
    super(message);
  }
}
