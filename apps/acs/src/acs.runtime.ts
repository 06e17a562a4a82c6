import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { InMemoryEventBus, SqliteBusJournal, type EventBus } from '@acs/bus';
import path from 'node:path';
import {
  CONNREQ_RESULTS_TOPIC,
  CONNREQ_WAKEUPS_TOPIC,
  InMemoryBindingStore,
  StoreDeviceContactDirectory,
  StoreStunCredentials,
  startConnreqRuntime,
  type ConnreqRuntime,
} from '@acs/connreq';
import {
  loadProfileDirectory,
  startProvisioning,
  type ProvisioningHandle,
} from '@acs/provisioning';
import { InMemorySessionRegistry, type SessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore, type DocumentStore } from '@acs/store';
import { Gateway, StoreCredentialsRepository } from '@acs/gateway';
import { startNbi, type NbiHandle } from '@acs/nbi';
import {
  ConnreqMetricsEventBus,
  RegistryWakeupTraceStore,
  StunBindingsMetricsBridge,
  TimedDocumentStore,
  TraceStampingSessionRegistry,
  TracedEventBus,
  WakeupTraceRecordingBus,
  currentTelemetry,
} from '@acs/telemetry';
import type { AcsConfig } from './acs.config';

/**
 * Everything in one process: the gateway, provisioning, connection requests and the STUN server
 * on the in-process bus and session registry and the embedded SQLite store under the data
 * directory.
 * The method names are Nest lifecycle hooks (see apps/cwmp-gateway: Nest 12 is ESM-only).
 */
export class AcsRuntime {
  address: AddressInfo | undefined;
  /** Provisioning (profiles, tasks, the diff engine), once started. */
  provisioning: ProvisioningHandle | undefined;
  /** Connection requests and the STUN server, once started. */
  connreq: ConnreqRuntime | undefined;
  /** The gRPC API (docs/nbi.md), once started, unless NBI_ENABLED=false. */
  nbi: NbiHandle | undefined;

  private constructor(
    readonly gateway: Gateway,
    private readonly config: AcsConfig,
    private readonly adapters: {
      bus: InMemoryEventBus;
      registry: InMemorySessionRegistry;
      store: SqliteDocumentStore;
    },
    private readonly logger: Logger,
    // Telemetry wrappers of the adapters (docs/observability.md); the raw ones stay for tests.
    private readonly traced: {
      bus: EventBus;
      registry: SessionRegistry;
      store: DocumentStore;
      unhook?: () => void;
    },
  ) {}

  static async create(config: AcsConfig, logger?: Logger): Promise<AcsRuntime> {
    const log = logger ?? pino({ name: 'acs', level: config.logLevel });
    // The in-process bus journals every event and committed offset in SQLite under the data
    // directory, so an Inform acknowledged to a CPE survives a restart like the store does.
    const bus = new InMemoryEventBus(
      1,
      new SqliteBusJournal(path.join(config.dataDir, 'bus.sqlite')),
    );
    const registry = new InMemorySessionRegistry();
    const store = SqliteDocumentStore.open({ directory: config.dataDir });
    // Telemetry: traced bus (spans, trace context in headers, connection-request outcomes from
    // the results), inbox entries stamped with provisioning's trace, timed store.
    const { metrics } = currentTelemetry();
    const wakeupTraces = new RegistryWakeupTraceStore(registry);
    const traced = {
      bus: new WakeupTraceRecordingBus(
        new ConnreqMetricsEventBus(
          new TracedEventBus(bus, metrics, 'in_process', undefined, { producerSpans: false }),
          metrics,
          CONNREQ_RESULTS_TOPIC,
        ),
        wakeupTraces,
        CONNREQ_WAKEUPS_TOPIC,
      ),
      registry: new TraceStampingSessionRegistry(registry),
      store: new TimedDocumentStore(store, metrics, 'sqlite'),
    };
    const tls = config.gateway.tls;
    const gateway = new Gateway({
      config: config.gateway,
      bus: traced.bus,
      registry: traced.registry,
      credentials: await StoreCredentialsRepository.open(traced.store),
      logger: log,
      metrics,
      wakeupTraces,
      ...(tls === undefined
        ? {}
        : { tls: { cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) } }),
    });
    return new AcsRuntime(gateway, config, { bus, registry, store }, log, traced);
  }

  /** The in-process bus: wake-up commands go in on `acs.connreq.wakeups`, events come out. */
  get bus(): InMemoryEventBus {
    return this.adapters.bus;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { store, bus, registry } = this.traced;
    const dir = this.config.profileDir;
    this.provisioning = await startProvisioning({
      bus,
      sessions: registry,
      store,
      logger: this.logger,
      topicPartitions: 1,
      profiles: dir === undefined ? [] : await loadProfileDirectory(dir),
    });
    this.connreq = await startConnreqRuntime({
      config: this.config.connreq,
      bus,
      directory: await StoreDeviceContactDirectory.open(store),
      stunCredentials: await StoreStunCredentials.open(store),
      // Bindings are refreshed by every CPE's STUN keep-alives within minutes, so memory suffices.
      bindings: new InMemoryBindingStore(),
    });
    const stun = this.connreq.stun;
    if (stun) {
      const bridge = new StunBindingsMetricsBridge(currentTelemetry().metrics, stun.counters);
      this.traced.unhook = currentTelemetry().addCollectHook(() => bridge.sync());
      this.logger.info(`STUN server on udp://${stun.address}:${stun.port}`);
    }
    if (this.config.nbi.NBI_ENABLED) {
      this.nbi = await startNbi({
        config: this.config.nbi,
        store,
        bus,
        provisioning: this.provisioning,
        defaultAdminKeyFile: path.join(this.config.dataDir, 'nbi-admin.key'),
        logger: this.logger,
        metrics: currentTelemetry().metrics,
      });
      this.logger.info(`gRPC API on ${this.config.nbi.NBI_HOST}:${this.nbi.port}`);
    }
    this.address = await this.gateway.start();
    const scheme = this.gateway.secure ? 'https' : 'http';
    this.logger.info(`ACS listening on ${scheme}://${this.address.address}:${this.address.port}/`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.nbi?.stop();
    await this.gateway.shutdown();
    await this.provisioning?.stop();
    await this.connreq?.stop();
    this.traced.unhook?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.adapters.bus.close(), this.adapters.registry.close()]);
    await this.adapters.store.close();
  }
}
