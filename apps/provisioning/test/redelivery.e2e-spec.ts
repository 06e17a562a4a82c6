import type { EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '@acs/bus';
import { decodeEvent, type CwmpEvent } from '@acs/events';
import { startProvisioning, type ProvisioningHandle } from '@acs/provisioning';
import type { RedisSessionRegistry } from '@acs/sessions';
import type { MongoDocumentStore } from '@acs/store';
import { expectEventually } from '@acs/testing';
import {
  Cpes,
  GatewayNode,
  Watcher,
  isolation,
  kafkaBus,
  mongoStore,
  redisRegistry,
} from './support/stack';

/**
 * A consumer that dies right after it processed a chosen event, before the bus committed it: the
 * handler finishes (store written, inbox pushed, effects done), then the subscription stops and
 * the handler fails, so the offset is not committed; everything after it is refused. Also counts
 * the deliveries of each event id (to prove a redelivery happened).
 */
class KillableBus implements EventBus {
  killedAt: string | undefined;
  readonly delivered = new Map<string, number>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly inner: EventBus,
    private readonly killAfter: (e: CwmpEvent) => boolean = () => false,
  ) {}

  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.inner.publish(topic, messages);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.subscription = await this.inner.subscribe({
      ...options,
      handler: async (m) => {
        if (this.killedAt !== undefined) throw new Error('consumer is dead');
        let event: CwmpEvent | undefined;
        try {
          event = decodeEvent(m.value);
          this.delivered.set(event.eventId, (this.delivered.get(event.eventId) ?? 0) + 1);
        } catch {
          event = undefined;
        }
        await options.handler(m);
        if (event !== undefined && this.killAfter(event)) {
          this.killedAt = event.eventId;
          void this.subscription?.stop();
          throw new Error('killed after processing, before commit');
        }
      },
    });
    return this.subscription;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const PROFILE = {
  name: 'acceptance',
  parameters: {
    'Device.ManagementServer.PeriodicInformInterval': 300,
    'Device.Time.NTPServer1': 'ntp1.example.net',
  },
  objects: [
    {
      path: 'Device.NAT.PortMapping.',
      key: { ExternalPort: 2222 },
      parameters: { InternalPort: 22, Enable: true },
    },
  ],
};

interface Member {
  readonly bus: KillableBus;
  readonly registry: RedisSessionRegistry;
  readonly store: MongoDocumentStore;
  readonly handle: ProvisioningHandle;
}

describe('Provisioning under Kafka redelivery (Kafka + Redis + FerretDB)', () => {
  const iso = isolation('prov-rd');
  let gateway: GatewayNode;
  let cpes: Cpes;
  const watcherBus = kafkaBus(iso, 'watcher');
  const watcher = new Watcher(watcherBus);
  const members: Member[] = [];

  const member = async (name: string, killAfter?: (e: CwmpEvent) => boolean): Promise<Member> => {
    const bus = new KillableBus(kafkaBus(iso, name), killAfter);
    const registry = redisRegistry(iso);
    const store = await mongoStore(iso);
    const handle = await startProvisioning({
      bus,
      sessions: registry,
      store,
      profiles: [PROFILE],
      topicPartitions: 3,
    });
    const m = { bus, registry, store, handle };
    members.push(m);
    return m;
  };

  beforeAll(async () => {
    gateway = await GatewayNode.start(iso);
    await watcher.start();
    cpes = new Cpes(gateway.url);
  }, 60_000);

  afterAll(async () => {
    cpes.stop();
    await watcher.stop();
    await watcherBus.close();
    for (const m of members) {
      await m.handle.stop();
      await Promise.allSettled([m.bus.close(), m.registry.close(), m.store.close()]);
    }
    await gateway.stop();
  }, 60_000);

  it('changes nothing twice when a new consumer gets an event the killed one had processed', async () => {
    const cpe = cpes.add('REDO');
    // The first consumer dies right after applying the first SetParameterValues result.
    const a = await member(
      'member-a',
      (e) => e.schema === 'cwmp.rpc-result.v1' && e.requestType === 'SetParameterValues',
    );
    const task = await a.handle.tasks.create(
      {
        deviceId: cpe.deviceId,
        operation: {
          kind: 'setParameters',
          values: { 'Device.Time.NTPServer2': 'task.example.net' },
        },
      },
      'operator',
    );
    const session = cpes.session(cpe, 'bootstrap');
    await expectEventually(() => expect(a.bus.killedAt).toBeDefined(), 30_000);
    const killed = a.bus.killedAt!;
    // Another member of the group takes the partitions over from the last committed offset.
    const b = await member('member-b');
    expect(await session).toMatchObject({ ok: true });
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(1), 30_000);
    expect(watcher.ended(cpe.deviceId)[0]).toMatchObject({ reason: 'completed' });
    expect(b.bus.delivered.get(killed)).toBe(1);

    // Device document: the event is recorded once.
    const doc = await b.handle.repositories.devices.findById(cpe.deviceId);
    expect(doc!.appliedEvents.filter((id) => id === killed)).toHaveLength(1);
    // CPE: one AddObject, not two.
    const pm = cpe.model.instancesOf('Device.NAT.PortMapping.');
    expect(pm.map((i) => cpe.model.rawRead(`Device.NAT.PortMapping.${i}.ExternalPort`))).toEqual([
      '8080',
      '2222',
    ]);
    expect(cpe.model.rawRead('Device.Time.NTPServer2')).toBe('task.example.net');
    // Task: done once.
    expect((await b.handle.tasks.get(cpe.deviceId, task.id)).status).toBe('done');
    // Audit: one entry per cause and action; the killed event's write is audited once.
    const audit = (
      await b.handle.repositories.audit.find({ deviceId: cpe.deviceId }, { limit: 1000 })
    ).items;
    const keys = audit.map((x) => `${x.cause}|${x.action}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(audit.filter((x) => x.cause === killed && x.action === 'parameters.set')).toHaveLength(
      1,
    );
    expect(audit.filter((x) => x.action === 'task.done')).toHaveLength(1);
    // Change events: one per applied event, the killed one's published once.
    await expectEventually(() =>
      expect(watcher.changes.some((c) => c.changeId === `${killed}#change`)).toBe(true),
    );
    const mine = watcher.changes.filter((c) => c.deviceId === cpe.deviceId);
    expect(new Set(mine.map((c) => c.changeId)).size).toBe(mine.length);

    // And the device is fully provisioned: the next session has nothing to do.
    expect(await cpes.session(cpe, 'cr')).toMatchObject({ ok: true });
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(2), 30_000);
    expect(watcher.ended(cpe.deviceId)[1]).toMatchObject({ rpcCount: 0 });
  }, 120_000);
});
