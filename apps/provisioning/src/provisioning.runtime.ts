import type { Logger } from 'pino';
import { KafkaEventBus, type EventBus } from '@acs/bus';
import { RedisSessionRegistry, type SessionRegistry } from '@acs/sessions';
import { MongoDocumentStore, type DocumentStore } from '@acs/store';
import {
  PROVISIONING_TOPICS,
  loadProfileDirectory,
  startProvisioning,
  type ProvisioningHandle,
} from '@acs/provisioning';
import {
  KafkaConsumerLagProbe,
  TimedDocumentStore,
  TimedSessionRegistry,
  TraceStampingSessionRegistry,
  TracedEventBus,
  createLogger,
  currentTelemetry,
} from '@acs/telemetry';
import type { ProvisioningAppConfig } from './provisioning.config';

/**
 * The provisioning service on its real adapters: Kafka, Redis, MongoDB. Nest drives the
 * lifecycle: consume on bootstrap, stop consuming on shutdown (handled offsets committed), then
 * close the adapters. The method names are Nest's lifecycle hooks (not imported: @nestjs/* 12 is
 * ESM-only, see provisioning.module.ts).
 */
export class ProvisioningRuntime {
  handle: ProvisioningHandle | undefined;
  private stopLagProbe: (() => void) | undefined;

  private constructor(
    private readonly config: ProvisioningAppConfig,
    private readonly adapters: {
      bus: EventBus;
      registry: SessionRegistry;
      store: DocumentStore;
      lag: KafkaConsumerLagProbe;
    },
    private readonly logger: Logger,
  ) {}

  static async create(config: ProvisioningAppConfig): Promise<ProvisioningRuntime> {
    const p = config.provisioning;
    const logger = createLogger({ name: 'provisioning', level: p.ACS_LOG_LEVEL });
    // Telemetry started by main (or a test) before this runs; disabled handle otherwise.
    const { metrics } = currentTelemetry();
    // Traced bus: each event is handled in a CONSUMER span continuing the gateway's trace from
    // the Kafka headers. Trace stamping: inbox entries pushed inside that span carry its context,
    // so the gateway's RPC span joins the same trace. Timed: Redis and MongoDB latency.
    const bus = new TracedEventBus(
      new KafkaEventBus({
        brokers: config.infra.KAFKA_BROKERS,
        clientId: config.infra.KAFKA_CLIENT_ID,
        prefix: p.ACS_TOPIC_PREFIX,
        defaultPartitions: p.ACS_TOPIC_PARTITIONS,
      }),
      metrics,
      'kafka',
    );
    const registry = new TimedSessionRegistry(
      new TraceStampingSessionRegistry(
        new RedisSessionRegistry({ url: config.infra.REDIS_URL, keyPrefix: p.ACS_REDIS_PREFIX }),
      ),
      metrics,
      'redis',
    );
    const store = new TimedDocumentStore(
      await MongoDocumentStore.connect({
        uri: config.infra.MONGODB_URI,
        database: p.ACS_MONGODB_DATABASE,
      }),
      metrics,
      'mongodb',
    );
    const lag = new KafkaConsumerLagProbe(metrics, {
      brokers: config.infra.KAFKA_BROKERS,
      clientId: `${config.infra.KAFKA_CLIENT_ID}-lag`,
      prefix: p.ACS_TOPIC_PREFIX,
      groups: [{ groupId: p.PROVISIONING_GROUP_ID, topics: PROVISIONING_TOPICS }],
    });
    return new ProvisioningRuntime(config, { bus, registry, store, lag }, logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    const p = this.config.provisioning;
    const profiles =
      p.PROVISIONING_PROFILE_DIR === undefined
        ? []
        : await loadProfileDirectory(p.PROVISIONING_PROFILE_DIR);
    this.handle = await startProvisioning({
      bus: this.adapters.bus,
      sessions: this.adapters.registry,
      store: this.adapters.store,
      logger: this.logger,
      groupId: p.PROVISIONING_GROUP_ID,
      profiles,
      profileCacheTtlMs: p.PROVISIONING_PROFILE_CACHE_MS,
      maxAttempts: p.PROVISIONING_MAX_ATTEMPTS,
      topicPartitions: p.ACS_TOPIC_PARTITIONS,
      service: { inboxTtlMs: p.PROVISIONING_INBOX_TTL_MS, maxSteps: p.PROVISIONING_MAX_STEPS },
    });
    // Consumer lag is queried from Kafka when Prometheus scrapes.
    this.stopLagProbe = currentTelemetry().addCollectHook(() => this.adapters.lag.sample());
    this.logger.info({ profiles: profiles.length }, 'provisioning consuming');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'provisioning stopping');
    await this.handle?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopLagProbe?.();
    await Promise.allSettled([
      this.adapters.lag.close(),
      this.adapters.bus.close(),
      this.adapters.registry.close(),
      this.adapters.store.close(),
    ]);
  }
}
