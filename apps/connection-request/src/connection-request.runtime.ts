import { KafkaEventBus } from '@acs/bus';
import {
  CONNREQ_RESULTS_TOPIC,
  CONNREQ_WAKEUPS_TOPIC,
  RedisBindingStore,
  StoreDeviceContactDirectory,
  StoreStunCredentials,
  startConnreqRuntime,
  type ConnreqRuntime,
} from '@acs/connreq';
import { MongoDocumentStore } from '@acs/store';
import {
  ConnreqMetricsEventBus,
  KafkaConsumerLagProbe,
  RegistryWakeupTraceStore,
  StunBindingsMetricsBridge,
  TimedBindingStore,
  TimedDocumentStore,
  TracedEventBus,
  WakeupTraceRecordingBus,
  currentTelemetry,
} from '@acs/telemetry';
import { RedisSessionRegistry } from '@acs/sessions';
import type { ConnectionRequestAppConfig } from './connection-request.config';

export interface ConnectionRequestApp {
  readonly runtime: ConnreqRuntime;
  /** Stops consuming, the transports and the STUN server, then closes the adapters. */
  stop(): Promise<void>;
}

/**
 * The connection-request service on its real adapters (Kafka, Redis, MongoDB), instrumented with
 * the telemetry `main` (or a test) started: traced bus (wake-ups handled in CONSUMER spans that
 * continue the caller's trace), connection requests by method and outcome (from the results it
 * publishes), STUN bindings (embedded server's counters), consumer lag, store latency.
 */
export async function startConnectionRequestApp(
  config: ConnectionRequestAppConfig,
): Promise<ConnectionRequestApp> {
  const { infra, connreq, deployment } = config;
  const telemetry = currentTelemetry();
  const { metrics } = telemetry;
  const kafka = new KafkaEventBus({
    brokers: infra.KAFKA_BROKERS,
    clientId: `${infra.KAFKA_CLIENT_ID}-connreq`,
    prefix: deployment.ACS_TOPIC_PREFIX,
  });
  // The gateway pods' Redis (same prefix): each wake-up's trace context waits there for the
  // session it causes, whose root span then links to it (docs/observability.md).
  const sessions = new RedisSessionRegistry({
    url: infra.REDIS_URL,
    keyPrefix: deployment.ACS_REDIS_PREFIX ?? 'acs:',
  });
  const bus = new WakeupTraceRecordingBus(
    new ConnreqMetricsEventBus(
      new TracedEventBus(kafka, metrics, 'kafka'),
      metrics,
      CONNREQ_RESULTS_TOPIC,
    ),
    new RegistryWakeupTraceStore(sessions),
    CONNREQ_WAKEUPS_TOPIC,
  );
  const store = new TimedDocumentStore(
    await MongoDocumentStore.connect({ uri: infra.MONGODB_URI, database: connreq.ACS_DATABASE }),
    metrics,
    'mongodb',
  );
  const prefix = deployment.ACS_REDIS_PREFIX;
  const bindings = new TimedBindingStore(
    new RedisBindingStore({
      url: infra.REDIS_URL,
      ...(prefix === undefined ? {} : { keyPrefix: prefix }),
    }),
    metrics,
    'redis',
  );
  const runtime = await startConnreqRuntime({
    config: connreq,
    bus,
    bindings,
    directory: await StoreDeviceContactDirectory.open(store),
    stunCredentials: await StoreStunCredentials.open(store),
  });
  const lag = new KafkaConsumerLagProbe(metrics, {
    brokers: infra.KAFKA_BROKERS,
    clientId: `${infra.KAFKA_CLIENT_ID}-connreq-lag`,
    prefix: deployment.ACS_TOPIC_PREFIX,
    groups: [{ groupId: connreq.CONNREQ_GROUP_ID, topics: [CONNREQ_WAKEUPS_TOPIC] }],
  });
  const stun =
    runtime.stun === undefined
      ? undefined
      : new StunBindingsMetricsBridge(metrics, runtime.stun.counters);
  const hooks = [
    telemetry.addCollectHook(() => lag.sample()),
    ...(stun === undefined ? [] : [telemetry.addCollectHook(() => stun.sync())]),
  ];
  return {
    runtime,
    async stop() {
      await runtime.stop();
      stun?.sync();
      for (const remove of hooks) remove();
      await Promise.allSettled([
        lag.close(),
        bus.close(),
        bindings.close(),
        store.close(),
        sessions.close(),
      ]);
    },
  };
}
