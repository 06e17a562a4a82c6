import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  InMemoryBindingStore,
  StoreDeviceContactDirectory,
  StoreStunCredentials,
  loadConnreqConfig,
  startConnreqRuntime,
} from '@acs/connreq';
import {
  startHttpCpe,
  type ConnectionRequestServer,
  type CpeFleet,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import { Gateway, StoreCredentialsRepository, loadGatewayConfig } from '@acs/gateway';
import { ApiCaller } from '@acs/nbi';
import { startProvisioning } from '@acs/provisioning';
import { RedisSessionRegistry } from '@acs/sessions';
import { MongoDocumentStore } from '@acs/store';
import { uniqueName } from '@acs/testing';
import { loadNbiAppConfig } from '../src/nbi-app.config';
import { NbiRuntime } from '../src/nbi.runtime';

/**
 * The split deployment the NBI e2e specs run against: the API app (its runtime: Kafka + MongoDB),
 * the gateway, provisioning and connection-request services in this process on their real
 * adapters (Kafka, Redis, FerretDB, isolated by a unique prefix), and one simulated CPE (not yet
 * booted) that accepts HTTP connection requests (TR-069 §3.2.2) on loopback.
 */
export interface SplitStack {
  /** Unique name of this run (topic/key prefixes, database, consumer groups). */
  readonly id: string;
  readonly bus: KafkaEventBus;
  readonly store: MongoDocumentStore;
  /** The API's gRPC address and a client for it. */
  readonly address: string;
  readonly api: ApiCaller;
  /** The bootstrap admin API key. */
  readonly admin: string;
  readonly fleet: CpeFleet;
  readonly cpe: SimulatedCpe;
  /** The CPE's connection-request listener (counts the requests it accepted). */
  readonly crServer: ConnectionRequestServer;
  stop(): Promise<void>;
}

export async function startSplitStack(name: string, serialPrefix: string): Promise<SplitStack> {
  const id = uniqueName(name);
  const iso = {
    topicPrefix: `${id}.`,
    redisPrefix: `${id}:`,
    database: id.replace(/[^A-Za-z0-9_]/g, '_'),
  };
  const infra = loadInfraConfig();
  const bus = new KafkaEventBus({
    brokers: infra.KAFKA_BROKERS,
    clientId: name,
    prefix: iso.topicPrefix,
    defaultPartitions: 1,
  });
  const registry = new RedisSessionRegistry({ url: infra.REDIS_URL, keyPrefix: iso.redisPrefix });
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const stops: (() => unknown)[] = [
    () => rm(dir, { recursive: true, force: true }),
    () => Promise.allSettled([bus.close(), registry.close()]),
  ];
  // Stops what started, last first, also when start-up fails half-way.
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const store = await MongoDocumentStore.connect({
      uri: infra.MONGODB_URI,
      database: iso.database,
    });
    stops.push(() => store.close());
    const gateway = new Gateway({
      config: loadGatewayConfig({
        GATEWAY_AUTH: 'none',
        GATEWAY_PROVISIONING: 'inbox',
        GATEWAY_INBOX_WAIT_MS: '25000',
      }),
      bus,
      registry,
      credentials: await StoreCredentialsRepository.open(store),
      topicPartitions: 1,
    });
    const gw = await gateway.start(0, '127.0.0.1');
    stops.push(() => gateway.shutdown(0, 0));
    const provisioning = await startProvisioning({
      bus,
      sessions: registry,
      store,
      topicPartitions: 1,
    });
    stops.push(() => provisioning.stop());
    const connreq = await startConnreqRuntime({
      config: loadConnreqConfig({
        // The simulated CPE listens on loopback, which the default address policy refuses.
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
        CONNREQ_EMBED_STUN: 'false',
        CONNREQ_GROUP_ID: `${id}-connreq`,
        CONNREQ_CONTACTS_GROUP_ID: `${id}-contacts`,
      }),
      bus,
      directory: await StoreDeviceContactDirectory.open(store),
      stunCredentials: await StoreStunCredentials.open(store),
      bindings: new InMemoryBindingStore(),
    });
    stops.push(() => connreq.stop());
    const nbi = await NbiRuntime.create(
      loadNbiAppConfig({
        KAFKA_BROKERS: infra.KAFKA_BROKERS.join(','),
        REDIS_URL: infra.REDIS_URL,
        MONGODB_URI: infra.MONGODB_URI,
        ACS_TOPIC_PREFIX: iso.topicPrefix,
        ACS_MONGODB_DATABASE: iso.database,
        ACS_TOPIC_PARTITIONS: '1',
        ACS_LOG_LEVEL: 'silent',
        NBI_HOST: '127.0.0.1',
        NBI_PORT: '0',
        NBI_ADMIN_KEY_FILE: join(dir, 'admin.key'),
      }),
    );
    stops.push(async () => {
      await nbi.beforeApplicationShutdown();
      await nbi.onApplicationShutdown();
    });
    await nbi.onApplicationBootstrap();
    const address = `127.0.0.1:${nbi.handle!.port}`;
    const api = new ApiCaller(address);
    stops.push(() => api.close());
    const admin = (await readFile(join(dir, 'admin.key'), 'utf8')).trim();

    const { fleet, cpe, crServer, stop: stopCpe } = await startHttpCpe({
      group: { serialPrefix, acsUrl: `http://127.0.0.1:${gw.port}/` },
      requestTimeoutMs: 30_000,
    });
    stops.push(stopCpe);
    return { id, bus, store, address, api, admin, fleet, cpe, crServer, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
