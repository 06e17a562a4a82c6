import { KafkaEventBus } from '@acs/bus';
import {
  AddressPolicy,
  RedisBindingStore,
  StoreStunCredentials,
  SystemClock,
  startStunServer,
  startUdpRelay,
  type StunService,
  type UdpRelay,
} from '@acs/connreq';
import { MongoDocumentStore } from '@acs/store';
import {
  StunBindingsMetricsBridge,
  TimedBindingStore,
  TimedDocumentStore,
  currentTelemetry,
} from '@acs/telemetry';
import type { StunAppConfig } from './stun.config';

export interface StunApp {
  readonly stun: StunService;
  /** Relayed UDP wake-ups (STUN_NODE_ID set; docs/connection-requests.md, "Split deployment"). */
  readonly relay?: UdpRelay;
  /** Stops the server, then closes the adapters. */
  stop(): Promise<void>;
}

/**
 * The TR-111 STUN server on its real adapters (bindings to Redis, credentials from MongoDB), with
 * `acs.stun.bindings` fed from the server's counters at every scrape and store latency timed.
 */
export async function startStunApp(config: StunAppConfig): Promise<StunApp> {
  const { infra, connreq } = config;
  const telemetry = currentTelemetry();
  const store = new TimedDocumentStore(
    await MongoDocumentStore.connect({ uri: infra.MONGODB_URI, database: connreq.ACS_DATABASE }),
    telemetry.metrics,
    'mongodb',
  );
  const prefix = config.deployment.ACS_REDIS_PREFIX;
  const bindings = new TimedBindingStore(
    new RedisBindingStore({
      url: infra.REDIS_URL,
      ...(prefix === undefined ? {} : { keyPrefix: prefix }),
    }),
    telemetry.metrics,
    'redis',
  );
  const stun = await startStunServer({
    host: connreq.STUN_HOST,
    port: connreq.STUN_PORT,
    credentials: await StoreStunCredentials.open(store),
    bindings,
    clock: new SystemClock(),
    requireAuth: connreq.STUN_REQUIRE_AUTH,
    bindingTtlMs: connreq.STUN_BINDING_TTL_MS,
    ...(connreq.STUN_NODE_ID === undefined ? {} : { node: connreq.STUN_NODE_ID }),
  });
  // With a node id, connection-request pods without a STUN socket send UDP wake-ups through this
  // one: only it can reach the CPEs whose NAT pinholes point at its socket (Annex G.2.1).
  const relayBus =
    connreq.STUN_NODE_ID === undefined
      ? undefined
      : new KafkaEventBus({
          brokers: infra.KAFKA_BROKERS,
          clientId: `${infra.KAFKA_CLIENT_ID}-stun-relay`,
          prefix: connreq.ACS_TOPIC_PREFIX,
        });
  const relay =
    relayBus === undefined || connreq.STUN_NODE_ID === undefined
      ? undefined
      : await startUdpRelay({
          bus: relayBus,
          node: connreq.STUN_NODE_ID,
          sender: stun,
          clock: new SystemClock(),
          policy: new AddressPolicy({
            allow: connreq.CONNREQ_ALLOW_CIDRS,
            deny: connreq.CONNREQ_DENY_CIDRS,
          }),
        });
  const bridge = new StunBindingsMetricsBridge(telemetry.metrics, stun.counters);
  const removeHook = telemetry.addCollectHook(() => bridge.sync());
  return {
    stun,
    ...(relay === undefined ? {} : { relay }),
    async stop() {
      await relay?.stop();
      await stun.stop();
      bridge.sync();
      removeHook();
      await Promise.allSettled([bindings.close(), store.close(), relayBus?.close()]);
    },
  };
}
