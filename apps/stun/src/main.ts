import { loadInfraConfig } from '@acs/config';
import {
  RedisBindingStore,
  StoreStunCredentials,
  SystemClock,
  loadConnreqConfig,
  startStunServer,
} from '@acs/connreq';
import { MongoDocumentStore } from '@acs/store';

// stun: the TR-111 STUN server alone (UDP STUN_PORT, default 3478); learned bindings go to Redis,
// where the connection-request service reads them. Wiring only.

async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const config = loadConnreqConfig();
  const store = await MongoDocumentStore.connect({
    uri: infra.MONGODB_URI,
    database: config.ACS_DATABASE,
  });
  const bindings = new RedisBindingStore({ url: infra.REDIS_URL });
  const stun = await startStunServer({
    host: config.STUN_HOST,
    port: config.STUN_PORT,
    credentials: await StoreStunCredentials.open(store),
    bindings,
    clock: new SystemClock(),
    requireAuth: config.STUN_REQUIRE_AUTH,
    bindingTtlMs: config.STUN_BINDING_TTL_MS,
  });
  process.stderr.write(`stun: listening on ${stun.address}:${stun.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stun.stop();
  process.stderr.write(`stun: ${JSON.stringify(stun.counters)}\n`);
  await Promise.all([bindings.close(), store.close()]);
}

main().catch((e: unknown) => {
  process.stderr.write(`stun: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
