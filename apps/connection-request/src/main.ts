import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  RedisBindingStore,
  StoreDeviceContactDirectory,
  StoreStunCredentials,
  loadConnreqConfig,
  startConnreqRuntime,
} from '@acs/connreq';
import { MongoDocumentStore } from '@acs/store';

// connection-request: consumes acs.connreq.wakeups, wakes devices over HTTP / UDP (with the STUN
// server embedded, CONNREQ_EMBED_STUN) / XMPP, publishes acs.connreq.results. Wiring only.

async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const config = loadConnreqConfig();
  const bus = new KafkaEventBus({
    brokers: infra.KAFKA_BROKERS,
    clientId: `${infra.KAFKA_CLIENT_ID}-connreq`,
  });
  const store = await MongoDocumentStore.connect({
    uri: infra.MONGODB_URI,
    database: config.ACS_DATABASE,
  });
  const bindings = new RedisBindingStore({ url: infra.REDIS_URL });
  const runtime = await startConnreqRuntime({
    config,
    bus,
    bindings,
    directory: await StoreDeviceContactDirectory.open(store),
    stunCredentials: await StoreStunCredentials.open(store),
  });
  process.stderr.write(
    `connection-request: consuming wake-ups${runtime.stun === undefined ? '' : `, STUN on ${runtime.stun.address}:${runtime.stun.port}`}${runtime.xmpp === undefined ? '' : ', XMPP enabled'}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await runtime.stop();
  await Promise.all([bus.close(), bindings.close(), store.close()]);
}

main().catch((e: unknown) => {
  process.stderr.write(`connection-request: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
