import {
  RedisBindingStore,
  StoreStunCredentials,
  SystemClock,
  startStunServer,
  type StunService,
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
  });
  const bridge = new StunBindingsMetricsBridge(telemetry.metrics, stun.counters);
  const removeHook = telemetry.addCollectHook(() => bridge.sync());
  return {
    stun,
    async stop() {
      await stun.stop();
      bridge.sync();
      removeHook();
      await Promise.allSettled([bindings.close(), store.close()]);
    },
  };
}
