import type { Logger } from 'pino';
import { KafkaEventBus, type EventBus } from '@acs/bus';
import { startNbi, type NbiHandle } from '@acs/nbi';
import { openRepositories, provisioningApi, SystemClock } from '@acs/provisioning';
import { MongoDocumentStore, type DocumentStore } from '@acs/store';
import { TimedDocumentStore, TracedEventBus, createLogger, currentTelemetry } from '@acs/telemetry';
import type { NbiAppConfig } from './nbi-app.config';

/**
 * The API on its real adapters: Kafka (wake-up commands out, device changes in) and MongoDB
 * (devices, tasks, profiles, faults, audit, API keys). Nest drives the lifecycle; the method
 * names are Nest's hooks (not imported: @nestjs/* 12 is ESM-only, see nbi.module.ts).
 */
export class NbiRuntime {
  handle: NbiHandle | undefined;

  private constructor(
    private readonly config: NbiAppConfig,
    private readonly adapters: { bus: EventBus; store: DocumentStore },
    private readonly logger: Logger,
  ) {}

  static async create(config: NbiAppConfig): Promise<NbiRuntime> {
    const a = config.app;
    const logger = createLogger({ name: 'nbi', level: a.ACS_LOG_LEVEL });
    const { metrics } = currentTelemetry();
    const bus = new TracedEventBus(
      new KafkaEventBus({
        brokers: config.infra.KAFKA_BROKERS,
        clientId: config.infra.KAFKA_CLIENT_ID,
        prefix: a.ACS_TOPIC_PREFIX,
        defaultPartitions: a.ACS_TOPIC_PARTITIONS,
      }),
      metrics,
      'kafka',
    );
    const store = new TimedDocumentStore(
      await MongoDocumentStore.connect({
        uri: config.infra.MONGODB_URI,
        database: a.ACS_MONGODB_DATABASE,
      }),
      metrics,
      'mongodb',
    );
    return new NbiRuntime(config, { bus, store }, logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus, store } = this.adapters;
    const clock = new SystemClock();
    const repositories = await openRepositories(store);
    this.handle = await startNbi({
      config: this.config.nbi,
      store,
      bus,
      provisioning: provisioningApi(repositories, bus, clock, this.logger),
      defaultAdminKeyFile: './.data/nbi-admin.key',
      logger: this.logger,
      metrics: currentTelemetry().metrics,
    });
    this.logger.info(`NBI gRPC API on ${this.config.nbi.NBI_HOST}:${this.handle.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.adapters.bus.close(), this.adapters.store.close()]);
  }
}
