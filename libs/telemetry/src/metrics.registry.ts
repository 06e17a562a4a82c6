import {
  createNoopMeter,
  type Counter,
  type Gauge,
  type Histogram,
  type Meter,
  type UpDownCounter,
} from '@opentelemetry/api';
import type { FastHistogramProducer } from './metrics.fast-histogram';

// Every instrument the ACS records, in one place: name, kind, unit, description, label keys.
// Names follow OTel semantic conventions where one exists (db.client.operation.duration,
// rpc.server.call.duration, messaging.*), `acs.*` otherwise. Units are UCUM (`s`, `{session}`).
// Label values are bounded sets: a CPE can send any event code or fault code, so recorders pass
// them through cwmpEventCodeLabel / cwmpFaultCodeLabel and a hostile device cannot grow the
// number of series without bound.

export type InstrumentKind = 'counter' | 'updowncounter' | 'histogram' | 'gauge';

export interface InstrumentDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  /** Attribute keys (Prometheus labels after dots → underscores). Optional ones marked in the type. */
  readonly labels: readonly string[];
  /** Histogram bucket boundaries (in `unit`). */
  readonly buckets?: readonly number[];
}

// OTel HTTP/RPC semconv advice for request durations in seconds, extended down to 0.5 ms for
// Redis and up to 10 s for slow stores.
const FAST_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10,
];
// A CWMP session lasts from one round trip to minutes (Download, big GetParameterValues).
const SESSION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export const METRICS = {
  sessionsStarted: {
    name: 'acs.cwmp.sessions.started',
    kind: 'counter',
    unit: '{session}',
    // Counted when the Inform arrives, before authentication: every session starts with exactly
    // one Inform (TR-069 3.7.1.1), so this is also Informs/s; refusals end as sessions.failed.
    description: 'CWMP sessions opened, i.e. Informs received (before authentication).',
    labels: [],
  },
  sessionsCompleted: {
    name: 'acs.cwmp.sessions.completed',
    kind: 'counter',
    unit: '{session}',
    description: 'CWMP sessions that ended normally (204 after the last RPC).',
    labels: [],
  },
  sessionsFailed: {
    name: 'acs.cwmp.sessions.failed',
    kind: 'counter',
    unit: '{session}',
    description: 'CWMP sessions that ended abnormally, by reason.',
    labels: ['reason'],
  },
  sessionsActive: {
    name: 'acs.cwmp.sessions.active',
    kind: 'updowncounter',
    unit: '{session}',
    description:
      'CWMP sessions in progress. Per pod +1 at start and -1 at end (possibly on another pod): sum over pods.',
    labels: [],
  },
  sessionDuration: {
    name: 'acs.cwmp.session.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of a CWMP session from Inform to its end.',
    labels: ['outcome'],
    buckets: SESSION_BUCKETS,
  },
  rpcDuration: {
    name: 'acs.cwmp.rpc.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from sending an ACS→CPE RPC to the CPE answer (response or fault).',
    labels: ['rpc.method', 'outcome'],
    buckets: FAST_BUCKETS,
  },
  informs: {
    name: 'acs.cwmp.informs',
    kind: 'counter',
    unit: '{event}',
    description:
      'Inform event codes received (one Inform with N events counts N; Informs/s is sessions.started).',
    labels: ['event_code'],
  },
  faults: {
    name: 'acs.cwmp.faults',
    kind: 'counter',
    unit: '{fault}',
    description: 'CWMP faults returned by CPEs, by fault code and RPC.',
    labels: ['fault_code', 'rpc.method'],
  },
  connreqRequests: {
    name: 'acs.connreq.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'Connection requests sent to CPEs, by transport and outcome.',
    labels: ['method', 'outcome'],
  },
  connreqDuration: {
    name: 'acs.connreq.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time to complete one connection request attempt.',
    labels: ['method', 'outcome'],
    buckets: FAST_BUCKETS,
  },
  stunBindings: {
    name: 'acs.stun.bindings',
    kind: 'counter',
    unit: '{request}',
    description: 'STUN Binding Requests handled (TR-111 Part 2 / Annex G), by outcome.',
    labels: ['outcome'],
  },
  busPublishDuration: {
    name: 'messaging.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of a bus publish until the broker acknowledged it.',
    labels: [
      'messaging.system',
      'messaging.operation.name',
      'messaging.destination.name',
      'error.type',
    ],
    buckets: FAST_BUCKETS,
  },
  busProcessDuration: {
    name: 'messaging.process.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of handling one consumed bus message.',
    labels: [
      'messaging.system',
      'messaging.destination.name',
      'messaging.consumer.group.name',
      'error.type',
    ],
    buckets: FAST_BUCKETS,
  },
  busConsumerLag: {
    name: 'acs.bus.consumer.lag',
    kind: 'gauge',
    unit: '{message}',
    description: 'Messages between the committed offset and the end of a partition.',
    labels: [
      'messaging.destination.name',
      'messaging.consumer.group.name',
      'messaging.destination.partition.id',
    ],
  },
  dbOperationDuration: {
    name: 'db.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of a Redis or document store operation.',
    labels: ['db.system.name', 'db.operation.name', 'db.collection.name', 'error.type'],
    buckets: FAST_BUCKETS,
  },
  apiCallDuration: {
    name: 'rpc.server.call.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of a northbound gRPC call, by method and status.',
    labels: ['rpc.system.name', 'rpc.method', 'rpc.status_code'],
    buckets: FAST_BUCKETS,
  },
} as const satisfies Record<string, InstrumentDefinition>;

export type MetricKey = keyof typeof METRICS;

// ---- label sets ---------------------------------------------------------------------------

export type SessionFailureReason =
  | 'timeout' // CPE stopped talking (session or inbox wait timed out)
  | 'auth' // authentication failed
  | 'protocol' // malformed SOAP, unexpected message, ACS fault 8000–8006 sent
  | 'cpe_fault' // the CPE answered with a fault the plan could not absorb
  | 'lock_held' // another session of this device is running (refused)
  | 'bus_unavailable' // Inform could not be made durable before InformResponse
  | 'internal';
export type Outcome = 'completed' | 'failed';
export type RpcOutcome = 'ok' | 'fault' | 'timeout';
export type ConnreqMethod = 'http' | 'udp' | 'xmpp';
export type ConnreqOutcome =
  'accepted' | 'refused' | 'rate_limited' | 'timeout' | 'unreachable' | 'error';
export type StunOutcome = 'ok' | 'changed' | 'invalid' | 'error';
export type DbSystem = 'redis' | 'mongodb' | 'sqlite';
export type MessagingSystem = 'kafka' | 'in_process';

// TR-069 A.3.3.1 event codes; `X <OUI> <name>` vendor events collapse to `X`, anything else to `other`.
export const CWMP_EVENT_CODES = [
  '0 BOOTSTRAP',
  '1 BOOT',
  '2 PERIODIC',
  '3 SCHEDULED',
  '4 VALUE CHANGE',
  '5 KICKED',
  '6 CONNECTION REQUEST',
  '7 TRANSFER COMPLETE',
  '8 DIAGNOSTICS COMPLETE',
  '9 REQUEST DOWNLOAD',
  '10 AUTONOMOUS TRANSFER COMPLETE',
  '11 DU STATE CHANGE COMPLETE',
  '12 AUTONOMOUS DU STATE CHANGE COMPLETE',
  '13 WAKEUP',
  '14 HEARTBEAT',
  'M Reboot',
  'M ScheduleInform',
  'M Download',
  'M ScheduleDownload',
  'M Upload',
  'M ChangeDUState',
] as const;
export type EventCodeLabel = (typeof CWMP_EVENT_CODES)[number] | 'X' | 'other';

const EVENT_CODE_SET: ReadonlySet<string> = new Set(CWMP_EVENT_CODES);

/** The bounded label value for an Inform event code. */
export function cwmpEventCodeLabel(code: string): EventCodeLabel {
  const trimmed = code.trim();
  if (EVENT_CODE_SET.has(trimmed)) return trimmed as EventCodeLabel;
  return trimmed.startsWith('X ') ? 'X' : 'other';
}

/** A fault code label: ACS 8000–8006, CPE 9000–9032, vendor 9800–9899 as is; anything else `other`. */
export type FaultCodeLabel = `${number}` | 'other';

export function cwmpFaultCodeLabel(code: number | string): FaultCodeLabel {
  const n = typeof code === 'number' ? code : /^\d{4}$/.test(code.trim()) ? Number(code) : NaN;
  // TR-069 A.5.1: 8000–8006 ACS faults, 9000–9032 CPE faults, 9800–9899 vendor-specific.
  const known = (n >= 8000 && n <= 8006) || (n >= 9000 && n <= 9032) || (n >= 9800 && n <= 9899);
  return Number.isInteger(n) && known ? (String(n) as `${number}`) : 'other';
}

export interface AcsMetrics {
  readonly sessionsStarted: Counter<Record<string, never>>;
  readonly sessionsCompleted: Counter<Record<string, never>>;
  readonly sessionsFailed: Counter<{ reason: SessionFailureReason }>;
  readonly sessionsActive: UpDownCounter<Record<string, never>>;
  readonly sessionDuration: Histogram<{ outcome: Outcome }>;
  /** `rpc.method`: the CWMP method name as the codec knows it (a bounded set). */
  readonly rpcDuration: Histogram<{ 'rpc.method': string; outcome: RpcOutcome }>;
  readonly informs: Counter<{ event_code: EventCodeLabel }>;
  readonly faults: Counter<{ fault_code: FaultCodeLabel; 'rpc.method': string }>;
  readonly connreqRequests: Counter<{ method: ConnreqMethod; outcome: ConnreqOutcome }>;
  readonly connreqDuration: Histogram<{ method: ConnreqMethod; outcome: ConnreqOutcome }>;
  readonly stunBindings: Counter<{ outcome: StunOutcome }>;
  readonly busPublishDuration: Histogram<{
    'messaging.system': MessagingSystem;
    'messaging.operation.name': 'publish';
    'messaging.destination.name': string;
    'error.type'?: string;
  }>;
  readonly busProcessDuration: Histogram<{
    'messaging.system': MessagingSystem;
    'messaging.destination.name': string;
    'messaging.consumer.group.name': string;
    'error.type'?: string;
  }>;
  readonly busConsumerLag: Gauge<{
    'messaging.destination.name': string;
    'messaging.consumer.group.name': string;
    'messaging.destination.partition.id': string;
  }>;
  readonly dbOperationDuration: Histogram<{
    'db.system.name': DbSystem;
    /** The port method (`acquireLock`, `findById`…). */
    'db.operation.name': string;
    /** Document store only (bounded: the ACS's own collections). */
    'db.collection.name'?: string;
    'error.type'?: string;
  }>;
  readonly apiCallDuration: Histogram<{
    'rpc.system.name': 'grpc';
    'rpc.method': string;
    'rpc.status_code': string;
  }>;
}

function options(def: InstrumentDefinition) {
  return {
    description: def.description,
    unit: def.unit,
    ...(def.buckets === undefined
      ? {}
      : { advice: { explicitBucketBoundaries: [...def.buckets] } }),
  };
}

/**
 * Creates every instrument on `meter` (no-op instruments when telemetry is off). With `fast`,
 * histograms, counters and the up-down counter are FastHistograms / FastCounters collected
 * through that producer (which the Prometheus reader must have among its metricProducers) instead
 * of SDK instruments.
 */
export function createMetrics(meter: Meter, fast?: FastHistogramProducer): AcsMetrics {
  const counter = (d: InstrumentDefinition): Counter =>
    fast === undefined ? meter.createCounter(d.name, options(d)) : fast.createCounter(d, true);
  const upDownCounter = (d: InstrumentDefinition): UpDownCounter =>
    fast === undefined
      ? meter.createUpDownCounter(d.name, options(d))
      : fast.createCounter(d, false);
  const histogram = (d: InstrumentDefinition): Histogram =>
    fast === undefined ? meter.createHistogram(d.name, options(d)) : fast.create(d);
  const m = METRICS;
  return {
    sessionsStarted: counter(m.sessionsStarted),
    sessionsCompleted: counter(m.sessionsCompleted),
    sessionsFailed: counter(m.sessionsFailed),
    sessionsActive: upDownCounter(m.sessionsActive),
    sessionDuration: histogram(m.sessionDuration),
    rpcDuration: histogram(m.rpcDuration),
    informs: counter(m.informs),
    faults: counter(m.faults),
    connreqRequests: counter(m.connreqRequests),
    connreqDuration: histogram(m.connreqDuration),
    stunBindings: counter(m.stunBindings),
    busPublishDuration: histogram(m.busPublishDuration),
    busProcessDuration: histogram(m.busProcessDuration),
    busConsumerLag: meter.createGauge(m.busConsumerLag.name, options(m.busConsumerLag)),
    dbOperationDuration: histogram(m.dbOperationDuration),
    apiCallDuration: histogram(m.apiCallDuration),
  };
}

/** Instruments that record nothing: the default of libs that take `metrics` as an option. */
export function noopMetrics(): AcsMetrics {
  return createMetrics(createNoopMeter());
}

// ---- Prometheus names ------------------------------------------------------------------------

/**
 * A label key as Prometheus shows it: characters outside [a-zA-Z0-9_] → `_`, runs of `_` squeezed
 * (what @opentelemetry/exporter-prometheus 0.301 does).
 */
export function prometheusLabel(key: string): string {
  return key.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
}

/**
 * The metric family name the Prometheus exporter gives an instrument: dots → underscores and
 * `_total` for counters. This exporter version adds no unit suffix (`acs.cwmp.session.duration`
 * with unit `s` is `acs_cwmp_session_duration`, not `…_seconds`); the unit is in `# UNIT`.
 * Up-down counters and gauges are Prometheus gauges (no suffix).
 */
export function prometheusName(def: InstrumentDefinition): string {
  const base = prometheusLabel(def.name);
  return def.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/** The series names a PromQL query can use: histograms add `_bucket`, `_sum` and `_count`. */
export function prometheusSeriesNames(def: InstrumentDefinition): string[] {
  const family = prometheusName(def);
  return def.kind === 'histogram'
    ? [`${family}_bucket`, `${family}_sum`, `${family}_count`]
    : [family];
}

/** Every series name of every instrument (what dashboards may query). */
export function allPrometheusSeriesNames(): Set<string> {
  const out = new Set<string>();
  for (const def of Object.values(METRICS)) {
    for (const n of prometheusSeriesNames(def)) out.add(n);
  }
  return out;
}
