// @acs/telemetry — OpenTelemetry set up the same way in every app: tracing with W3C propagation
// over HTTP, bus headers, inbox entries and gRPC metadata; the ACS metric registry with its
// Prometheus names; pino logs carrying trace ids. See docs/observability.md.
export * from './telemetry.error';
export * from './telemetry.config';
export * from './telemetry.sdk';
export * from './span.attributes';
export * from './span.helpers';
export * from './trace.propagation';
export * from './metrics.registry';
export type { MetricsAddress } from './metrics.server';
export * from './logger';
export * from './event-bus.traced';
export * from './session-registry.timed';
export * from './document-store.timed';
export * from './prometheus.scrape';
export * from './grpc.tracing';
export * from './session-registry.trace-stamping';
export * from './connreq.metrics';
export * from './kafka-lag.probe';
export * from './binding-store.timed';
export * from './wakeup-trace.store';
export * from './otlp.span-encoder';
