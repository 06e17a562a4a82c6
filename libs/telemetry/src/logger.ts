import { context, trace } from '@opentelemetry/api';
import { isValidSpanContext } from './trace.span-context';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './telemetry.config';

export type { Logger };

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Component or app name (`name` field of every line). */
  readonly name: string;
  /** Extra fields on every line (service version, pod…). */
  readonly base?: Readonly<Record<string, string>>;
  /** Where lines go; default stdout. Tests pass a stream they read. */
  readonly destination?: DestinationStream;
}

// Field paths pino replaces with "[Redacted]" wherever a caller logs them: HTTP auth headers and
// the credential fields the ACS handles (per-device CWMP credentials, connection request ones).
const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'connectionRequestPassword',
  '*.connectionRequestPassword',
];

/**
 * A structured JSON logger (pino). Every line written inside an active span carries its
 * `trace_id` and `span_id` (hex, as Tempo/Grafana expect), so logs and traces join up.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      mixin() {
        const sc = trace.getSpanContext(context.active());
        if (sc === undefined || !isValidSpanContext(sc)) return {};
        return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags };
      },
    },
    options.destination,
  );
}
