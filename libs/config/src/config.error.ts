export enum ConfigErrorCode {
  Invalid = 'CONFIG_INVALID',
}

/** A configuration value is missing or malformed; names every offending variable. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    readonly issues: readonly string[],
  ) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}
