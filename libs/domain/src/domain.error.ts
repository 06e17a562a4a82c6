/** Why a declaration or a reducer input was refused. */
export enum DomainErrorCode {
  /** A profile does not validate; `issues` name each field path. */
  InvalidProfile = 'InvalidProfile',
  /** A task does not validate; `issues` name each field path. */
  InvalidTask = 'InvalidTask',
  /** JSON/YAML text that does not parse. */
  InvalidSyntax = 'InvalidSyntax',
  /** A `{{variable}}` that is not a device fact. */
  InvalidTemplate = 'InvalidTemplate',
  /** A cron expression that does not parse. */
  InvalidSchedule = 'InvalidSchedule',
  /** A result that does not answer the RPC it is applied to (e.g. a GPV response to an SPV). */
  UnexpectedResponse = 'UnexpectedResponse',
  /** An escaped key that cannot be unescaped. */
  InvalidKey = 'InvalidKey',
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For validation errors: `field.path: message`, one per problem. */
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length === 0 ? message : `${message}: ${issues.join('; ')}`);
  }
}
