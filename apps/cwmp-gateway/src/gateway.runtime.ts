import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { KafkaEventBus, type EventBus } from '@acs/bus';
import { RedisSessionRegistry, type SessionRegistry } from '@acs/sessions';
import { MongoDocumentStore, type DocumentStore } from '@acs/store';
import { Gateway, StoreCredentialsRepository } from '@acs/gateway';
import {
  RegistryWakeupTraceStore,
  TimedDocumentStore,
  TimedSessionRegistry,
  TracedEventBus,
  createLogger,
  currentTelemetry,
} from '@acs/telemetry';
import type { CwmpGatewayAppConfig } from './cwmp-gateway.config';

/**
 * The gateway on its real adapters: Kafka, Redis, MongoDB. Nest drives the lifecycle: listen on
 * bootstrap, drain on SIGTERM (beforeApplicationShutdown), then close the adapters. The method
 * names are Nest's lifecycle hooks (the interfaces are not imported: @nestjs/* 12 is ESM-only and
 * this CommonJS code loads it with a dynamic import, see cwmp-gateway.module.ts).
 */
export class GatewayRuntime {
  address: AddressInfo | undefined;

  private constructor(
    readonly gateway: Gateway,
    private readonly adapters: {
      bus: EventBus;
      registry: SessionRegistry;
      store: DocumentStore;
    },
    private readonly logger: Logger,
  ) {}

  static async create(config: CwmpGatewayAppConfig): Promise<GatewayRuntime> {
    const logger = createLogger({ name: 'cwmp-gateway', level: config.deployment.ACS_LOG_LEVEL });
    const { infra, deployment } = config;
    // Telemetry started by main (or a test) before this runs; disabled handle otherwise.
    const { metrics } = currentTelemetry();
    const kafka = new KafkaEventBus({
      brokers: infra.KAFKA_BROKERS,
      clientId: infra.KAFKA_CLIENT_ID,
      prefix: deployment.ACS_TOPIC_PREFIX,
      defaultPartitions: deployment.ACS_TOPIC_PARTITIONS,
    });
    // Traced bus: PRODUCER spans + trace context in Kafka headers, publish latency. Timed
    // registry and store: Redis and MongoDB latency (docs/observability.md).
    // No PRODUCER spans: the three publishes of a session run inside its request spans, which
    // the consumers become children of (docs/benchmarks.md, "Telemetry cost").
    const bus = new TracedEventBus(kafka, metrics, 'kafka', undefined, { producerSpans: false });
    const registry = new TimedSessionRegistry(
      new RedisSessionRegistry({ url: infra.REDIS_URL, keyPrefix: deployment.ACS_REDIS_PREFIX }),
      metrics,
      'redis',
    );
    const store = new TimedDocumentStore(
      await MongoDocumentStore.connect({
        uri: infra.MONGODB_URI,
        database: deployment.ACS_MONGODB_DATABASE,
      }),
      metrics,
      'mongodb',
    );
    const tls = config.gateway.tls;
    const gateway = new Gateway({
      config: config.gateway,
      bus,
      registry,
      credentials: await StoreCredentialsRepository.open(store),
      logger,
      metrics,
      // The connection-request service keeps a wake-up's trace context in the same Redis.
      wakeupTraces: new RegistryWakeupTraceStore(registry),
      topicPartitions: deployment.ACS_TOPIC_PARTITIONS,
      ...(tls === undefined
        ? {}
        : { tls: { cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) } }),
    });
    return new GatewayRuntime(gateway, { bus, registry, store }, logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.gateway;
    this.address = await c.start();
    const scheme = this.gateway.secure ? 'https' : 'http';
    this.logger.info(
      { address: this.address },
      `CWMP gateway listening on ${scheme}://${this.address.address}:${this.address.port}/`,
    );
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'draining sessions');
    await this.gateway.shutdown();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.adapters.bus.close(),
      this.adapters.registry.close(),
      this.adapters.store.close(),
    ]);
  }
}
