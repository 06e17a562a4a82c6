import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  DEFAULT_GROUP,
  ManualClock,
  CpeFleet,
  HttpFileTransferClient,
  handleCpeMethod,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import {
  applyInform,
  applyRpcResult,
  emptyDeviceState,
  mergeDesired,
  parseProfile,
  plan,
  type DeviceState,
} from '@acs/domain';
import { TOPICS, decodeEvent, encodeEvent, type InformEventV1 } from '@acs/events';
import { startProvisioning, storeState, type DeviceDocument } from '@acs/provisioning';
import { RedisSessionRegistry, type SessionRegistry } from '@acs/sessions';
import { MongoDocumentStore } from '@acs/store';
import { median } from './lib/measure';

// `npm run bench:provisioning` (with bench/provisioning-plan.bench.ts): the provisioning
// consumer's throughput in Informs applied per second, on the real Kafka and FerretDB with 10,000
// devices in the store (each as the engine leaves a TR-181 device after applying the bench
// profile), against a baseline
// in the same run: the same Kafka consumer doing only the store write (read the device, write it
// back with a version check). Runs alternate baseline / service; the median is reported. Method and
// results: docs/benchmarks.md ("Provisioning consumer").

const DEVICES = Number(process.env['BENCH_DEVICES'] ?? 10_000);
const INFORMS = Number(process.env['BENCH_INFORMS'] ?? 300);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// The store's write path (docs/store.md): `auto` = checkThenWrite on FerretDB 1.x, atomic on MongoDB.
const WRITES = (process.env['BENCH_CONDITIONAL_WRITES'] ?? 'auto') as
  'auto' | 'atomic' | 'checkThenWrite';
const PARTITIONS = 6;
const NOW = Date.now();
const PROFILE = parseProfile({
  name: 'bench',
  parameters: {
    'Device.ManagementServer.PeriodicInformInterval': 300,
    'Device.Time.NTPServer1': 'ntp1.example.net',
  },
  objects: [
    {
      path: 'Device.NAT.PortMapping.',
      key: { ExternalPort: 2222 },
      parameters: { InternalPort: 22 },
    },
  ],
});

/** A device provisioned and discovered by the real engine against a simulated CPE. */
function provisionedState(cpe: SimulatedCpe): DeviceState {
  cpe.events = [{ eventCode: '0 BOOTSTRAP', commandKey: '' }];
  const inform = cpe.buildInform(new Date(NOW).toISOString());
  let state = applyInform(emptyDeviceState(cpe.deviceId, { ...inform.deviceId }), inform, NOW);
  for (let step = 0; step < 50; step++) {
    const p = plan(state, mergeDesired(state, [PROFILE], [], { now: NOW }), { now: NOW });
    if (p.rpcs.length === 0) return state;
    for (const rpc of p.rpcs)
      state = applyRpcResult(state, rpc, handleCpeMethod(cpe, rpc.request), NOW);
  }
  throw new Error('the bench profile does not converge');
}

/** Counts inbox pushes (one per Inform the service finished), resolving when `n` arrived. */
class CountingRegistry {
  count = 0;
  first = 0;
  last = 0;
  private target = Infinity;
  private resolve: (() => void) | undefined;

  wrap(inner: SessionRegistry): SessionRegistry {
    return new Proxy(inner, {
      get: (t, prop, r) => {
        if (prop !== 'pushInbox') return Reflect.get(t, prop, r) as unknown;
        return async (...args: Parameters<SessionRegistry['pushInbox']>) => {
          await t.pushInbox(...args);
          this.tick();
        };
      },
    });
  }

  tick(): void {
    const now = performance.now();
    if (this.count === 0) this.first = now;
    this.count++;
    this.last = now;
    if (this.count >= this.target) this.resolve?.();
  }

  until(n: number): Promise<void> {
    this.target = n;
    return this.count >= n ? Promise.resolve() : new Promise((r) => (this.resolve = r));
  }

  /** Informs per second between the first and the last completion (group join excluded). */
  rate(): number {
    return ((this.count - 1) * 1000) / (this.last - this.first);
  }
}

async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const id = `bench-prov-${Date.now().toString(36)}`;
  const database = id.replace(/-/g, '_');
  const store = await MongoDocumentStore.connect({
    uri: infra.MONGODB_URI,
    database,
    conditionalWrites: WRITES,
  });
  console.log(`store write path: ${store.conditionalWrites}`);
  const clock = new ManualClock(NOW);
  const fleet = new CpeFleet({
    clock,
    random: Math.random,
    transport: () => {
      throw new Error('no transport');
    },
    files: new HttpFileTransferClient(),
    maxConcurrentSessions: 1,
    periodic: false,
  });
  const cpes = fleet.add({ ...DEFAULT_GROUP, serialPrefix: 'BENCH' }, DEVICES);
  const template = provisionedState(cpes[0] as SimulatedCpe);
  console.log(`device model: ${Object.keys(template.nodes).length} paths`);

  // Seed the store through the service's own repositories (same documents, same indexes).
  const seedBus = new KafkaEventBus({
    brokers: infra.KAFKA_BROKERS,
    clientId: 'seed',
    prefix: `${id}.seed.`,
  });
  const seedRedis = new RedisSessionRegistry({ url: infra.REDIS_URL, keyPrefix: `${id}:` });
  const handle0 = await startProvisioning({
    bus: seedBus,
    sessions: seedRedis,
    store,
    profiles: [PROFILE],
    groupId: 'seed',
  });
  await handle0.stop();
  await Promise.allSettled([seedBus.close(), seedRedis.close()]);
  const devices = handle0.repositories.devices;
  const t0 = performance.now();
  for (let i = 0; i < DEVICES; i += 50) {
    await Promise.all(
      cpes.slice(i, i + 50).map((cpe) => {
        // The template's model with this device's own Inform applied: its periodic Informs then
        // report nothing new, the steady state of a provisioned fleet.
        cpe.events = [{ eventCode: '1 BOOT', commandKey: '' }];
        const inform = cpe.buildInform(new Date(NOW).toISOString());
        const state = applyInform(
          { ...template, id: cpe.deviceId, facts: { ...template.facts, serialNumber: cpe.serial } },
          inform,
          NOW,
        );
        const doc: DeviceDocument = {
          _id: cpe.deviceId,
          state: storeState(state),
          appliedEvents: [],
          createdAt: NOW,
          updatedAt: NOW,
        };
        return devices.insert(doc);
      }),
    );
  }
  console.log(`seeded ${DEVICES} devices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  let session = 0;
  const informsFor = (): InformEventV1[] =>
    cpes.slice(0, INFORMS).map((cpe) => {
      const sessionId = `${id}-s${++session}`;
      cpe.events = [{ eventCode: '2 PERIODIC', commandKey: '' }];
      const inform = cpe.buildInform(new Date(NOW).toISOString());
      return {
        schema: 'cwmp.inform.v1',
        eventId: `${sessionId}/inform`,
        deviceId: cpe.deviceId,
        sessionId,
        occurredAt: new Date(NOW).toISOString(),
        cwmpVersion: '1.2',
        inform,
      };
    });

  const run = async (kind: 'baseline' | 'service', round: number): Promise<number> => {
    const prefix = `${id}.${kind}${round}.`;
    const bus = new KafkaEventBus({
      brokers: infra.KAFKA_BROKERS,
      clientId: kind,
      prefix,
      defaultPartitions: PARTITIONS,
    });
    const redis = new RedisSessionRegistry({
      url: infra.REDIS_URL,
      keyPrefix: `${id}:${kind}${round}:`,
    });
    const counter = new CountingRegistry();
    await bus.ensureTopics([{ name: TOPICS.informs, partitions: PARTITIONS }]);
    const events = informsFor();
    for (let i = 0; i < events.length; i += 500)
      await bus.publish(
        TOPICS.informs,
        events.slice(i, i + 500).map((e) => ({ key: e.deviceId, value: encodeEvent(e) })),
      );
    let stop: () => Promise<void>;
    if (kind === 'service') {
      const h = await startProvisioning({
        bus,
        sessions: counter.wrap(redis),
        store,
        profiles: [PROFILE],
        topicPartitions: PARTITIONS,
      });
      stop = () => h.stop();
    } else {
      // The floor: decode, read the device, write it back with the version check.
      const sub = await bus.subscribe({
        groupId: 'provisioning',
        topics: [TOPICS.informs],
        handler: async (m) => {
          const e = decodeEvent(m.value);
          const doc = await devices.findById(e.deviceId);
          if (doc === undefined) throw new Error(`no device ${e.deviceId}`);
          await devices.update(doc._id, doc._version, {
            $set: {
              updatedAt: Date.now(),
              appliedEvents: [...doc.appliedEvents, e.eventId].slice(-64),
            },
          });
          counter.tick();
        },
      });
      stop = () => sub.stop();
    }
    await counter.until(events.length);
    await stop();
    await Promise.allSettled([bus.close(), redis.close()]);
    return counter.rate();
  };

  const rates: Record<'baseline' | 'service', number[]> = { baseline: [], service: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0
      ? (['baseline', 'service'] as const)
      : (['service', 'baseline'] as const)) {
      const rate = await run(kind, r);
      rates[kind].push(rate);
      console.log(`round ${r + 1} ${kind.padEnd(8)} ${rate.toFixed(1)} Informs/s`);
    }
  }
  const b = median(rates.baseline);
  const s = median(rates.service);
  console.log(
    `\n${INFORMS} Informs per run, ${DEVICES} devices in the store, median of ${ROUNDS} rounds`,
  );
  console.log(`baseline (store write only): ${b.toFixed(1)} Informs/s`);
  console.log(`provisioning consumer:       ${s.toFixed(1)} Informs/s`);
  console.log(`ratio service / baseline:    ${(s / b).toFixed(2)}`);

  await store.close();
  const client = new MongoClient(infra.MONGODB_URI);
  await client
    .db(database)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
}

main().then(
  // Bounded: the process ends when the measurement does, whatever client keeps a socket open.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
