export enum TelemetryErrorCode {
  /** initTelemetry was called while another handle of this process is still running. */
  AlreadyStarted = 'TELEMETRY_ALREADY_STARTED',
  /** The options passed to initTelemetry are inconsistent (bad port, empty service name…). */
  InvalidOptions = 'TELEMETRY_INVALID_OPTIONS',
  /** The Prometheus scrape server could not listen (port in use, bad host). */
  MetricsServerFailed = 'TELEMETRY_METRICS_SERVER_FAILED',
}

export class TelemetryError extends Error {
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TelemetryError';
  }
}
