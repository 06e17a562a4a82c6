// Process-wide facts about the running telemetry that hot paths read without asking the OTel API
// each time. Written only by telemetry.sdk.ts (initTelemetry / shutdown).

let active = false;
let generation = 0;

/**
 * True while initTelemetry's SDK is registered: the global propagator is then the W3C trace
 * context one, which trace.propagation.ts may short-cut. With telemetry off the API's no-op
 * propagator is in place and nothing may be injected or extracted.
 */
export function tracingActive(): boolean {
  return active;
}

/** Changes whenever telemetry starts or stops: caches of SDK objects compare it. */
export function telemetryGeneration(): number {
  return generation;
}

export function setTracingActive(on: boolean): void {
  active = on;
  generation++;
}
