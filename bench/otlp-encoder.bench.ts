import { performance } from 'node:perf_hooks';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { ATTR, encodeTraceExportRequest } from '@acs/telemetry';
import { median } from './lib/measure';

// `node bench/dist/otlp-encoder.bench.js`: per-span cost of turning a BatchSpanProcessor batch
// (2,048 spans, the apps' maxExportBatchSize) into an OTLP/HTTP request body — the hand-written
// encoder (@acs/telemetry encodeTraceExportRequest) against the SDK's ProtobufTraceSerializer and
// JsonTraceSerializer (@opentelemetry/otlp-transformer), on the same batches of realistic ACS
// spans: a SERVER `cwmp Inform` (device id, session id, RPC attributes, event codes) and its
// CONSUMER `process acs.cwmp.informs` (messaging attributes), from the resource the apps build.
// Each round times every encoder over the same batches, in rotating order, after a discarded
// warm-up round; the figure is the median over rounds. Method and results: docs/benchmarks.md
// "OTLP span encoding".

const BATCH = 2048;
const BATCHES = Number(process.env['BENCH_BATCHES'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 11);
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 5);

function realisticBatches(): ReadableSpan[][] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'cwmp-gateway',
      'service.version': '0.1.0',
      'service.instance.id': 'cwmp-gateway-7d9f8b6c5-x2k4q',
      'k8s.pod.name': 'cwmp-gateway-7d9f8b6c5-x2k4q',
      'host.name': 'node-12.acs.example.net',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'os.version': '6.8.0-45-generic',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('acs');
  const batches: ReadableSpan[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    exporter.reset();
    for (let i = 0; i < BATCH / 2; i++) {
      const n = b * BATCH + i;
      const serial = String(100000 + n).padStart(10, '0');
      const inform = tracer.startSpan('cwmp Inform', {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR.deviceId]: `00D09E-ZX-HGW300-${serial}`,
          [ATTR.sessionId]: `c0ffee${n.toString(16).padStart(10, '0')}`,
          [ATTR.rpcSystem]: 'cwmp',
          [ATTR.rpcMethod]: 'Inform',
          [ATTR.rpcId]: String(n % 1000),
          [ATTR.cwmpVersion]: '1.4',
          [ATTR.eventCodes]: ['2 PERIODIC', '4 VALUE CHANGE'],
          [ATTR.httpMethod]: 'POST',
          [ATTR.httpStatusCode]: 200,
        },
      });
      inform.end();
      const process = tracer.startSpan(
        'process acs.cwmp.informs',
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            [ATTR.messagingSystem]: 'kafka',
            [ATTR.messagingDestination]: 'acs.cwmp.informs',
            [ATTR.messagingOperationName]: 'process',
            [ATTR.messagingOperationType]: 'process',
            [ATTR.messagingConsumerGroup]: 'acs-provisioning',
            [ATTR.messagingKafkaKey]: `00D09E-ZX-HGW300-${serial}`,
            [ATTR.deviceId]: `00D09E-ZX-HGW300-${serial}`,
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, { ...inform.spanContext(), isRemote: true }),
      );
      process.end();
    }
    batches.push(exporter.getFinishedSpans());
  }
  return batches;
}

interface Encoder {
  readonly name: string;
  readonly encode: (spans: ReadableSpan[]) => Uint8Array | undefined;
}

const encoders: Encoder[] = [
  { name: 'encodeTraceExportRequest (hand-written)', encode: encodeTraceExportRequest },
  {
    name: 'SDK ProtobufTraceSerializer',
    encode: (s) => ProtobufTraceSerializer.serializeRequest(s),
  },
  { name: 'SDK JsonTraceSerializer', encode: (s) => JsonTraceSerializer.serializeRequest(s) },
];

let sink = 0;

/** µs per span for one pass of `encoder` over every batch, REPEAT times. */
function timeOnce(encoder: Encoder, batches: ReadableSpan[][]): number {
  const t0 = performance.now();
  for (let r = 0; r < REPEAT; r++)
    for (const batch of batches) sink += encoder.encode(batch)?.length ?? 0;
  return ((performance.now() - t0) * 1000) / (REPEAT * batches.length * BATCH);
}

function main(): void {
  const batches = realisticBatches();
  const samples = encoders.map(() => [] as number[]);
  for (let round = -1; round < ROUNDS; round++) {
    for (let k = 0; k < encoders.length; k++) {
      const i = (k + Math.max(round, 0)) % encoders.length;
      const us = timeOnce(encoders[i]!, batches);
      if (round >= 0) samples[i]!.push(us);
    }
  }
  const bytesPerSpan = encoders.map(
    (e) => batches.reduce((n, b) => n + (e.encode(b)?.length ?? 0), 0) / (batches.length * BATCH),
  );
  const medians = samples.map(median);
  console.log(
    `OTLP span encoding: ${BATCHES} batches × ${BATCH} spans, ${ROUNDS} rounds (+1 warm-up) × ${REPEAT} passes, median`,
  );
  encoders.forEach((e, i) =>
    console.log(
      `  ${e.name.padEnd(42)} ${medians[i]!.toFixed(3)} µs/span  ${bytesPerSpan[i]!.toFixed(0)} B/span  (rounds ${samples[i]!.map((x) => x.toFixed(2)).join(' ')})`,
    ),
  );
  const ours = medians[0]!;
  for (let i = 1; i < encoders.length; i++)
    console.log(
      `  ratio hand-written ÷ ${encoders[i]!.name}: ${(ours / medians[i]!).toFixed(3)} (${(medians[i]! / ours).toFixed(2)}× faster)`,
    );
  if (sink === -1) console.log(sink);
}

main();
