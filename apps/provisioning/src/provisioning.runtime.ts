import { pino, type Logger } from 'pino';
import { KafkaEventBus } from '@acs/bus';
import { RedisSessionRegistry } from '@acs/sessions';
import { MongoDocumentStore } from '@acs/store';
import {
  loadProfileDirectory,
  startProvisioning,
  type ProvisioningHandle,
} from '@acs/provisioning';
import type { ProvisioningAppConfig } from './provisioning.config';

/**
 * The provisioning service on its real adapters: Kafka, Redis, MongoDB. Nest drives the
 * lifecycle: consume on bootstrap, stop consuming on shutdown (handled offsets committed), then
 * close the adapters. The method names are Nest's lifecycle hooks (not imported: @nestjs/* 12 is
 * ESM-only, see provisioning.module.ts).
 */
export class ProvisioningRuntime {
  handle: ProvisioningHandle | undefined;

  private constructor(
    private readonly config: ProvisioningAppConfig,
    private readonly adapters: {
      bus: KafkaEventBus;
      registry: RedisSessionRegistry;
      store: MongoDocumentStore;
    },
    private readonly logger: Logger,
  ) {}

  static async create(config: ProvisioningAppConfig): Promise<ProvisioningRuntime> {
    const p = config.provisioning;
    const logger = pino({ name: 'provisioning', level: p.ACS_LOG_LEVEL });
    const bus = new KafkaEventBus({
      brokers: config.infra.KAFKA_BROKERS,
      clientId: config.infra.KAFKA_CLIENT_ID,
      prefix: p.ACS_TOPIC_PREFIX,
      defaultPartitions: p.ACS_TOPIC_PARTITIONS,
    });
    const registry = new RedisSessionRegistry({
      url: config.infra.REDIS_URL,
      keyPrefix: p.ACS_REDIS_PREFIX,
    });
    const store = await MongoDocumentStore.connect({
      uri: config.infra.MONGODB_URI,
      database: p.ACS_MONGODB_DATABASE,
    });
    return new ProvisioningRuntime(config, { bus, registry, store }, logger);
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
    this.logger.info({ profiles: profiles.length }, 'provisioning consuming');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'provisioning stopping');
    await this.handle?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.adapters.bus.close(),
      this.adapters.registry.close(),
      this.adapters.store.close(),
    ]);
  }
}
