export enum StunErrorCode {
  /** The datagram is not a STUN message (wrong size, leading bits, length field). */
  NotStun = 'STUN_NOT_STUN',
  /** A STUN message whose attribute list is malformed (overrun, bad length, bad value). */
  Malformed = 'STUN_MALFORMED',
  /** A caller passed a value the encoder cannot represent. */
  InvalidArgument = 'STUN_INVALID_ARGUMENT',
}

export class StunError extends Error {
  constructor(
    readonly code: StunErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StunError';
  }
}
