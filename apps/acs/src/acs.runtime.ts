import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { InMemoryEventBus, SqliteBusJournal } from '@acs/bus';
import path from 'node:path';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { Gateway, StoreCredentialsRepository } from '@acs/gateway';
import type { AcsConfig } from './acs.config';

/**
 * Everything in one process: the gateway (and, as they arrive, the other services) on the
 * in-process bus and session registry and the embedded SQLite store under the data directory.
 * The method names are Nest lifecycle hooks (see apps/cwmp-gateway: Nest 12 is ESM-only).
 */
export class AcsRuntime {
  address: AddressInfo | undefined;

  private constructor(
    readonly gateway: Gateway,
    private readonly adapters: {
      bus: InMemoryEventBus;
      registry: InMemorySessionRegistry;
      store: SqliteDocumentStore;
    },
    private readonly logger: Logger,
  ) {}

  static async create(config: AcsConfig, logger?: Logger): Promise<AcsRuntime> {
    const log = logger ?? pino({ name: 'acs', level: config.logLevel });
    // The in-process bus journals every event and committed offset in SQLite under the data
    // directory, so an Inform acknowledged to a CPE survives a restart like the store does.
    const bus = new InMemoryEventBus(1, new SqliteBusJournal(path.join(config.dataDir, 'bus.sqlite')));
    const registry = new InMemorySessionRegistry();
    const store = SqliteDocumentStore.open({ directory: config.dataDir });
    const tls = config.gateway.tls;
    const gateway = new Gateway({
      config: config.gateway,
      bus,
      registry,
      credentials: await StoreCredentialsRepository.open(store),
      logger: log,
      ...(tls === undefined
        ? {}
        : { tls: { cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) } }),
    });
    return new AcsRuntime(gateway, { bus, registry, store }, log);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.address = await this.gateway.start();
    const scheme = this.gateway.secure ? 'https' : 'http';
    this.logger.info(`ACS listening on ${scheme}://${this.address.address}:${this.address.port}/`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.gateway.shutdown();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.adapters.bus.close(), this.adapters.registry.close()]);
    await this.adapters.store.close();
  }
}
