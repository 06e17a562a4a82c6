import { KafkaEventBus, type EventBus, type Subscription } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  HttpSessionTransport,
  SystemClock,
  type SessionOutcome,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import { TOPICS, decodeEvent, type CwmpEvent, type SessionEventV1 } from '@acs/events';
import { Gateway, StoreCredentialsRepository, loadGatewayConfig } from '@acs/gateway';
import {
  DEVICE_CHANGES_TOPIC,
  decodeDeviceChange,
  type DeviceChangeEventV1,
} from '@acs/provisioning';
import { RedisSessionRegistry } from '@acs/sessions';
import { MongoDocumentStore } from '@acs/store';
import { expectEventually, uniqueName } from '@acs/testing';

/** Names that isolate one test file on the shared Kafka, Redis and MongoDB. */
export interface Isolation {
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly database: string;
}

export function isolation(name: string): Isolation {
  const id = uniqueName(name);
  return {
    topicPrefix: `${id}.`,
    redisPrefix: `${id}:`,
    database: id.replace(/[^A-Za-z0-9_]/g, '_'),
  };
}

export function infraEnv(): Record<string, string> {
  const infra = loadInfraConfig();
  return {
    KAFKA_BROKERS: infra.KAFKA_BROKERS.join(','),
    REDIS_URL: infra.REDIS_URL,
    MONGODB_URI: infra.MONGODB_URI,
  };
}

export function kafkaBus(iso: Isolation, clientId: string): KafkaEventBus {
  return new KafkaEventBus({
    brokers: loadInfraConfig().KAFKA_BROKERS,
    clientId,
    prefix: iso.topicPrefix,
    defaultPartitions: 3,
  });
}

export function redisRegistry(iso: Isolation): RedisSessionRegistry {
  return new RedisSessionRegistry({ url: loadInfraConfig().REDIS_URL, keyPrefix: iso.redisPrefix });
}

export function mongoStore(iso: Isolation): Promise<MongoDocumentStore> {
  return MongoDocumentStore.connect({ uri: loadInfraConfig().MONGODB_URI, database: iso.database });
}

/** The CWMP gateway in this process on real Kafka, Redis and MongoDB, waiting on the inbox. */
export class GatewayNode {
  url = '';

  private constructor(
    readonly gateway: Gateway,
    private readonly bus: KafkaEventBus,
    private readonly registry: RedisSessionRegistry,
    private readonly store: MongoDocumentStore,
  ) {}

  static async start(iso: Isolation): Promise<GatewayNode> {
    const bus = kafkaBus(iso, 'gateway');
    const registry = redisRegistry(iso);
    const store = await mongoStore(iso);
    const gateway = new Gateway({
      config: loadGatewayConfig({
        GATEWAY_AUTH: 'none',
        GATEWAY_PROVISIONING: 'inbox',
        GATEWAY_INBOX_WAIT_MS: '25000',
        GATEWAY_SESSION_TIMEOUT_MS: '40000',
      }),
      bus,
      registry,
      credentials: await StoreCredentialsRepository.open(store),
      topicPartitions: 3,
    });
    const node = new GatewayNode(gateway, bus, registry, store);
    const address = await gateway.start(0, '127.0.0.1');
    node.url = `http://127.0.0.1:${address.port}/`;
    return node;
  }

  async stop(): Promise<void> {
    await this.gateway.shutdown(0, 0);
    await Promise.allSettled([this.bus.close(), this.registry.close(), this.store.close()]);
  }
}

/** Simulated CPEs over real HTTP; each session's outcome is kept per device. */
export class Cpes {
  readonly fleet: CpeFleet;
  readonly outcomes = new Map<string, SessionOutcome[]>();

  constructor(private readonly url: string) {
    this.fleet = new CpeFleet({
      clock: new SystemClock(),
      random: Math.random,
      transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 60_000 }),
      files: new HttpFileTransferClient(),
      maxConcurrentSessions: 20,
      periodic: false,
      onSession: (cpe, outcome) => {
        const list = this.outcomes.get(cpe.deviceId) ?? [];
        list.push(outcome);
        this.outcomes.set(cpe.deviceId, list);
      },
    });
  }

  add(serialPrefix: string): SimulatedCpe {
    const [cpe] = this.fleet.add(
      { ...DEFAULT_GROUP, serialPrefix, acsUrl: this.url, crMinIntervalMs: 0 },
      1,
    );
    if (cpe === undefined) throw new Error('no device');
    return cpe;
  }

  sessions(cpe: SimulatedCpe): number {
    return this.outcomes.get(cpe.deviceId)?.length ?? 0;
  }

  /** Runs one session (BOOTSTRAP on first boot, else a connection request) and waits for its end. */
  async session(cpe: SimulatedCpe, kind: 'bootstrap' | 'boot' | 'cr'): Promise<SessionOutcome> {
    const n = this.sessions(cpe);
    if (kind === 'cr') {
      if (!this.fleet.connectionRequest(cpe)) throw new Error('connection request refused');
    } else this.fleet.boot(cpe, kind === 'bootstrap');
    await expectEventually(() => expect(this.sessions(cpe)).toBe(n + 1), 60_000);
    return this.outcomes.get(cpe.deviceId)?.[n] as SessionOutcome;
  }

  stop(): void {
    this.fleet.stop();
  }
}

/** Reads what the gateway and provisioning published, as an OSS watcher would (own group). */
export class Watcher {
  readonly cwmp: CwmpEvent[] = [];
  readonly changes: DeviceChangeEventV1[] = [];
  private subs: Subscription[] = [];

  constructor(private readonly bus: EventBus) {}

  async start(): Promise<void> {
    this.subs.push(
      await this.bus.subscribe({
        groupId: 'watcher',
        topics: [TOPICS.sessions, TOPICS.rpcResults],
        handler: async (m) => {
          this.cwmp.push(decodeEvent(m.value));
        },
      }),
      await this.bus.subscribe({
        groupId: 'watcher-changes',
        topics: [DEVICE_CHANGES_TOPIC],
        handler: async (m) => {
          this.changes.push(decodeDeviceChange(m.value));
        },
      }),
    );
  }

  /** The `ended` session events of a device, in order. */
  ended(deviceId: string): Extract<SessionEventV1, { kind: 'ended' }>[] {
    return this.cwmp.filter(
      (e): e is Extract<SessionEventV1, { kind: 'ended' }> =>
        e.schema === 'cwmp.session.v1' && e.kind === 'ended' && e.deviceId === deviceId,
    );
  }

  /** Request types of the RPCs the device answered in one session. */
  rpcTypes(sessionId: string): string[] {
    return this.cwmp
      .filter((e) => e.schema === 'cwmp.rpc-result.v1' && e.sessionId === sessionId)
      .map((e) => (e.schema === 'cwmp.rpc-result.v1' ? e.requestType : ''));
  }

  async stop(): Promise<void> {
    for (const s of this.subs) await s.stop();
    this.subs = [];
  }
}
