import { performance } from 'node:perf_hooks';
import { parseEnvelope, serializeEnvelope } from '@acs/cwmp';
import {
  ATTR,
  RPC_SYSTEM,
  SpanKind,
  extractFromHeaders,
  initTelemetry,
  startSpan,
  traceHeaders,
  withSpan,
  type TelemetryHandle,
  type TelemetryOptions,
} from '@acs/telemetry';
import { median } from './lib/measure';
import { startCollector } from './lib/otlp-collector';
import { INFORM_40, indent } from './lib/cwmp-samples';

// `node bench/dist/telemetry.bench.js`: what tracing costs per CWMP request hop, telemetry off
// (no SDK, API no-ops) against on (SDK, spans dropped after the processors) and on with real
// OTLP/HTTP export to a loopback collector. Modes take turns in rotating order each round
// (OTel is process-global, so each slice starts and stops telemetry), a warm-up round is
// discarded, the median is reported. Method and results: docs/observability.md.

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 400);

const informBytes = Buffer.from(indent(serializeEnvelope(INFORM_40)));

/**
 * One gateway request as the apps will trace it: a root SERVER span (CPE requests carry no trusted
 * trace context) with device/session/RPC attributes, trace headers injected for the bus publish,
 * and the consumer side extracting them into a CONSUMER child span. 2 spans, 1 inject, 1 extract.
 */
async function hop(work: boolean): Promise<void> {
  await withSpan(
    'cwmp Inform',
    {
      kind: SpanKind.SERVER,
      // CPE requests are untrusted: the session span is always a new root (the sampler decides).
      root: true,
      attributes: {
        [ATTR.deviceId]: '00D09E-IGD-SN123456',
        [ATTR.sessionId]: 's-0123456789abcdef',
        [ATTR.rpcSystem]: RPC_SYSTEM.cwmp,
        [ATTR.rpcMethod]: 'Inform',
      },
    },
    () => {
      if (work) parseEnvelope(informBytes);
      const headers = traceHeaders();
      const consumer = startSpan('process acs.cwmp.informs', {
        kind: SpanKind.CONSUMER,
        parent: extractFromHeaders(headers),
        attributes: { [ATTR.messagingDestination]: 'acs.cwmp.informs', [ATTR.deviceId]: 'x' },
      });
      consumer.end();
    },
  );
}

async function slice(work: boolean, ms: number): Promise<{ opsPerSec: number; ops: number }> {
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 50; i++) await hop(work);
    ops += 50;
    // Let timers and sockets run (batch export), as a server's event loop would.
    await new Promise<void>((r) => setImmediate(r));
    t = performance.now();
  }
  return { opsPerSec: (ops * 1000) / (t - t0), ops };
}

async function main(): Promise<void> {
  const sink = await startCollector();
  const base = { serviceName: 'bench', serviceVersion: '0' };
  const modes: { name: string; options: TelemetryOptions }[] = [
    { name: 'off (OTEL_ENABLED=false)', options: { ...base, enabled: false } },
    // Spans recorded and dropped: what recording costs without the export (the apps record
    // nothing when they have no exporter; recordWithoutExport measures recording alone).
    {
      name: 'on, no exporter',
      options: { ...base, enabled: true, recordWithoutExport: true },
    },
    // The SDK's own TracerProvider in place of AcsTracerProvider: what the hand-written one saves.
    {
      name: 'on, no exporter, SDK tracer',
      options: { ...base, enabled: true, tracerProvider: 'sdk' },
    },
    {
      name: 'on, OTLP/HTTP batch export',
      options: { ...base, enabled: true, otlpEndpoint: sink.url },
    },
    {
      name: 'on, OTLP/HTTP, SDK tracer',
      options: { ...base, enabled: true, otlpEndpoint: sink.url, tracerProvider: 'sdk' },
    },
    {
      name: 'on, OTLP/HTTP, 10 % sampled',
      options: { ...base, enabled: true, otlpEndpoint: sink.url, samplerRatio: 0.1 },
    },
  ];
  console.log(
    `node ${process.version}, ${ROUNDS} rounds x ${SLICE_MS} ms per mode, median reported`,
  );
  for (const work of [false, true]) {
    const samples = modes.map(() => [] as number[]);
    let exported = 0;
    let created = 0;
    for (let r = -1; r < ROUNDS; r++) {
      for (let k = 0; k < modes.length; k++) {
        const i = (k + Math.max(r, 0)) % modes.length;
        const mode = modes[i]!;
        const before = await sink.spans();
        const t: TelemetryHandle = await initTelemetry(mode.options);
        const { opsPerSec, ops } = await slice(work, SLICE_MS);
        await t.shutdown(); // flushes the batch processor
        if (r >= 0) samples[i]!.push(opsPerSec);
        if (
          mode.options.otlpEndpoint !== undefined &&
          mode.options.samplerRatio === undefined &&
          r >= 0
        ) {
          created += ops * 2;
          exported += (await sink.spans()) - before;
        }
      }
    }
    const off = median(samples[0]!);
    console.log(
      work
        ? '\nOne hop + parseEnvelope of a 40-parameter Inform (8.6 kB), i.e. with real request work'
        : '\nOne hop: 2 spans, 1 inject, 1 extract (tracing alone)',
    );
    modes.forEach((m, i) => {
      const ops = median(samples[i]!);
      const costUs = i === 0 ? '' : `  +${(1e6 / ops - 1e6 / off).toFixed(2)} µs/hop`;
      console.log(
        `  ${m.name.padEnd(32)} ${Math.round(ops).toLocaleString('en-US').padStart(10)} hops/s  ratio vs off: ${(ops / off).toFixed(3)}${costUs}`,
      );
    });
    console.log(
      `  OTLP spans received by the collector: ${exported.toLocaleString('en-US')} of ${created.toLocaleString('en-US')} created`,
    );
  }
  sink.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
