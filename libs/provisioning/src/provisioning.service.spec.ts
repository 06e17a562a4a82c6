import { InMemoryEventBus, type DeliveredMessage } from '@acs/bus';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  ManualClock,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import type { CpeMethodRequest } from '@acs/cwmp';
import { TOPICS, encodeEvent } from '@acs/events';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore, type DocumentStore } from '@acs/store';
import { expectEventually } from '@acs/testing';
import {
  decodeDeviceChange,
  DEVICE_CHANGES_TOPIC,
  type DeviceChangeEventV1,
} from './device-change.event';
import { loadState } from './device.document';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import { startProvisioning, type ProvisioningHandle } from './provisioning.consumer';
import { pushMarkerKey } from './provisioning.service';
import { ACCEPTANCE_PROFILE } from './testing/profiles.fixture';
import { SessionDriver } from './testing/session.driver';

const writes = (rpcs: readonly CpeMethodRequest[]): CpeMethodRequest[] =>
  rpcs.filter((r) => r.type === 'SetParameterValues' || r.type === 'AddObject');

function keyOf(r: CpeMethodRequest): string | undefined {
  return r.type === 'SetParameterValues' || r.type === 'AddObject' || r.type === 'DeleteObject'
    ? r.parameterKey
    : undefined;
}

describe('ProvisioningService', () => {
  let clock: ManualClock;
  let bus: InMemoryEventBus;
  let registry: InMemorySessionRegistry;
  let store: DocumentStore;
  let handle: ProvisioningHandle;
  let driver: SessionDriver;
  let fleet: CpeFleet;
  let changes: DeviceChangeEventV1[];

  const device = (): SimulatedCpe => fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;

  beforeEach(async () => {
    clock = new ManualClock(1_800_000_000_000);
    bus = new InMemoryEventBus(3);
    registry = new InMemorySessionRegistry(() => clock.now());
    store = SqliteDocumentStore.open({ directory: ':memory:' });
    fleet = new CpeFleet({
      clock,
      random: Math.random,
      transport: () => {
        throw new Error('no transport in unit tests');
      },
      files: new HttpFileTransferClient(),
      maxConcurrentSessions: 1,
      periodic: false,
    });
    handle = await startProvisioning({
      bus,
      sessions: registry,
      store,
      clock,
      profiles: [ACCEPTANCE_PROFILE],
    });
    driver = new SessionDriver(
      (e) => handle.service.handle(e),
      registry,
      () => clock.now(),
    );
    changes = [];
    await bus.subscribe({
      groupId: 'watcher',
      topics: [DEVICE_CHANGES_TOPIC],
      handler: async (m) => {
        changes.push(decodeDeviceChange(m.value));
      },
    });
  });

  afterEach(async () => {
    await handle.stop();
    await bus.close();
    await registry.close();
    await store.close();
  });

  it('applies a profile in the first session, confirmed by the next Inform, then sends nothing', async () => {
    const cpe = device();
    const first = await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    expect(first.rpcs[0]?.type).toBe('GetParameterNames');
    expect(writes(first.rpcs).length).toBeGreaterThan(0);
    expect(cpe.model.rawRead('Device.ManagementServer.PeriodicInformInterval')).toBe('300');
    expect(cpe.model.rawRead('Device.Time.NTPServer1')).toBe('ntp1.example.net');
    expect(cpe.model.rawRead('Device.Time.NTPServer2')).toBe('ntp2.example.net');
    // The template has one port mapping (8080); the profile's (2222) is created next to it.
    expect(first.rpcs.map((r) => r.type)).toContain('AddObject');
    const pm = cpe.model.instancesOf('Device.NAT.PortMapping.');
    expect(pm.map((i) => cpe.model.rawRead(`Device.NAT.PortMapping.${i}.ExternalPort`))).toEqual([
      '8080',
      '2222',
    ]);
    expect(cpe.model.rawRead(`Device.NAT.PortMapping.${pm[1]}.InternalPort`)).toBe('22');

    clock.advance(300_000);
    const second = await driver.session(cpe, ['2 PERIODIC']);
    expect(second.rpcs).toEqual([]);
    const doc = await handle.repositories.devices.findById(cpe.deviceId);
    const lastKey = writes(first.rpcs).map(keyOf).at(-1);
    // TR-069 A.3.2.1: the ParameterKey in the Inform is the one of the last successful write.
    expect(loadState(doc!.state, cpe.deviceId).parameterKey).toBe(lastKey);
  });

  it('forgets and rediscovers the model on a BOOTSTRAP of a known device', async () => {
    const cpe = device();
    await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    const before = await handle.repositories.devices.findById(cpe.deviceId);
    const third = await driver.session(cpe, ['0 BOOTSTRAP']);
    expect(third.rpcs[0]).toMatchObject({ type: 'GetParameterNames' });
    const after = await handle.repositories.devices.findById(cpe.deviceId);
    const s = loadState(after!.state, cpe.deviceId);
    expect(s.lastBootstrap).toBe(clock.now());
    expect(Object.keys(s.nodes).length).toBeGreaterThan(10);
    expect(loadState(before!.state, cpe.deviceId).lastBootstrap).not.toBe(clock.now() + 1);
    const audit = await handle.repositories.audit.find({
      deviceId: cpe.deviceId,
      action: 'device.bootstrap',
    });
    expect(audit.items).toHaveLength(1);
    await expectEventually(() => expect(changes.filter((c) => c.bootstrap)).toHaveLength(2));
  });

  it('pushes a redelivered Inform again only when the first push did not happen', async () => {
    const cpe = device();
    const inform = driver.informEvent(cpe, ['0 BOOTSTRAP'], 'redo-1');
    await driver.send(inform);
    const v1 = (await handle.repositories.devices.findById(cpe.deviceId))!._version;
    const firstPush = await registry.popInbox('redo-1', 100);
    expect(firstPush).not.toBeNull();
    // Redelivery after the push: nothing applied twice, nothing pushed twice.
    await driver.send(inform);
    expect(await registry.popInbox('redo-1', 50)).toBeNull();
    // Redelivery after a crash between the store write and the push: the same entry again.
    await registry.deleteRecord(pushMarkerKey('redo-1'));
    await driver.send(inform);
    expect(await registry.popInbox('redo-1', 100)).toBe(firstPush);
    expect((await handle.repositories.devices.findById(cpe.deviceId))!._version).toBe(v1);
  });

  it('applies a redelivered RPC result once', async () => {
    const cpe = device();
    const s = await driver.session(cpe, ['0 BOOTSTRAP']);
    const doc = await handle.repositories.devices.findById(cpe.deviceId);
    const audits = await handle.repositories.audit.count({ deviceId: cpe.deviceId });
    // The last result of the session, delivered again.
    const rpcId = s.rpcIds.at(-1)!;
    await driver.send({
      schema: 'cwmp.rpc-result.v1',
      eventId: `${s.sessionId}/rpc/${rpcId}`,
      deviceId: cpe.deviceId,
      sessionId: s.sessionId,
      occurredAt: new Date(clock.now()).toISOString(),
      rpcId,
      requestType: 'GetParameterValues',
      outcome: {
        kind: 'response',
        response: { type: 'GetParameterValuesResponse', parameterList: [] },
      },
    });
    const again = await handle.repositories.devices.findById(cpe.deviceId);
    expect(again!._version).toBe(doc!._version);
    expect(await handle.repositories.audit.count({ deviceId: cpe.deviceId })).toBe(audits);
  });

  it('runs a queued task in the next session and records its result', async () => {
    const cpe = device();
    await driver.session(cpe, ['0 BOOTSTRAP']);
    const task = await handle.tasks.create(
      {
        deviceId: cpe.deviceId,
        operation: {
          kind: 'setParameters',
          values: { 'Device.Time.NTPServer3': 'ntp3.example.net' },
        },
        ttlMs: 3_600_000,
      },
      'operator-1',
    );
    expect(await handle.tasks.list(cpe.deviceId, 'pending')).toHaveLength(1);
    const s = await driver.session(cpe, ['6 CONNECTION REQUEST']);
    expect(s.rpcs.some((r) => r.type === 'SetParameterValues')).toBe(true);
    expect(cpe.model.rawRead('Device.Time.NTPServer3')).toBe('ntp3.example.net');
    const done = await handle.tasks.get(cpe.deviceId, task.id);
    expect(done.status).toBe('done');
    const audit = await handle.repositories.audit.find({ deviceId: cpe.deviceId });
    expect(audit.items.map((a) => [a.action, a.actor])).toEqual(
      expect.arrayContaining([
        ['task.created', 'operator-1'],
        ['task.done', 'provisioning'],
        ['parameters.set', 'provisioning'],
      ]),
    );
  });

  it('does not run an expired or cancelled task', async () => {
    const cpe = device();
    await driver.session(cpe, ['0 BOOTSTRAP']);
    const op = { kind: 'setParameters', values: { 'Device.Time.NTPServer4': 'late.example.net' } };
    const expiring = await handle.tasks.create(
      { deviceId: cpe.deviceId, operation: op, ttlMs: 1000 },
      'op',
    );
    const cancelled = await handle.tasks.create({ deviceId: cpe.deviceId, operation: op }, 'op');
    await handle.tasks.cancel(cpe.deviceId, cancelled.id, 'op');
    await expect(handle.tasks.cancel(cpe.deviceId, 'nope', 'op')).rejects.toMatchObject({
      code: ProvisioningErrorCode.TaskNotFound,
    });
    clock.advance(2000);
    const s = await driver.session(cpe, ['2 PERIODIC']);
    expect(s.rpcs).toEqual([]);
    expect(cpe.model.rawRead('Device.Time.NTPServer4')).not.toBe('late.example.net');
    expect((await handle.tasks.get(cpe.deviceId, expiring.id)).status).toBe('expired');
    expect((await handle.tasks.get(cpe.deviceId, cancelled.id)).status).toBe('cancelled');
    await expect(handle.tasks.cancel(cpe.deviceId, expiring.id, 'op')).rejects.toMatchObject({
      code: ProvisioningErrorCode.TaskNotPending,
    });
  });

  it('refuses an invalid task with the field named', async () => {
    await expect(
      handle.tasks.create(
        { deviceId: 'D1', operation: { kind: 'setParameters', values: { bad: 1 } } },
        'op',
      ),
    ).rejects.toMatchObject({ code: ProvisioningErrorCode.InvalidTask });
  });

  it('records a CPE fault per device and per profile with the failing parameter', async () => {
    await handle.profiles.save(
      { name: 'readonly', parameters: { 'Device.DeviceInfo.Manufacturer': 'Other' } },
      'op',
    );
    const cpe = device();
    await driver.session(cpe, ['0 BOOTSTRAP']);
    const faults = await handle.repositories.faults.find({ deviceId: cpe.deviceId });
    expect(faults.items).toEqual([
      expect.objectContaining({
        sourceKind: 'profile',
        sourceName: 'readonly',
        target: 'Device.DeviceInfo.Manufacturer',
        code: 9008,
      }),
    ]);
  });

  it('publishes device changes: registration with parameters, then only what changed', async () => {
    const cpe = device();
    await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    await expectEventually(() => expect(changes.length).toBeGreaterThan(1));
    const first = changes[0]!;
    expect(first).toMatchObject({ created: true, bootstrap: true, boot: true, cause: 'inform' });
    const set = changes.find((c) =>
      c.parameters.some(
        (p) => p.path === 'Device.Time.NTPServer1' && p.value === 'ntp1.example.net',
      ),
    );
    expect(set?.cause).toBe('rpc-result');
    clock.advance(1000);
    await driver.session(cpe, ['2 PERIODIC']);
    // The next Inform confirms the writes with the new ParameterKey: that is a change.
    await expectEventually(() =>
      expect(changes.at(-1)?.parameters.map((p) => p.path)).toEqual([
        'Device.ManagementServer.ParameterKey',
      ]),
    );
    const count = changes.length;
    clock.advance(1000);
    await driver.session(cpe, ['2 PERIODIC']);
    // A periodic Inform that reports nothing new is not a change.
    await expectEventually(async () => {
      const doc = await handle.repositories.devices.findById(cpe.deviceId);
      expect(doc?.appliedEvents.at(-1)).toBe('sess3/inform');
    });
    expect(changes).toHaveLength(count);
  });

  it('ignores a late result of a session that is no longer live', async () => {
    const cpe = device();
    const old = driver.informEvent(cpe, ['0 BOOTSTRAP'], 'old');
    await driver.send(old);
    await driver.session(cpe, ['1 BOOT']);
    const v = (await handle.repositories.devices.findById(cpe.deviceId))!._version;
    await driver.send({
      schema: 'cwmp.rpc-result.v1',
      eventId: 'old/rpc/old.1.0',
      deviceId: cpe.deviceId,
      sessionId: 'old',
      occurredAt: new Date(clock.now()).toISOString(),
      rpcId: 'old.1.0',
      requestType: 'GetParameterNames',
      outcome: {
        kind: 'response',
        response: { type: 'GetParameterNamesResponse', parameterList: [] },
      },
    });
    expect((await handle.repositories.devices.findById(cpe.deviceId))!._version).toBe(v);
  });

  it('retries a transient failure and does not strand the session when the push failed', async () => {
    let failures = 1;
    const flaky = new Proxy(registry, {
      get: (t, prop, r) => {
        if (prop !== 'pushInbox') return Reflect.get(t, prop, r) as unknown;
        return async (...args: Parameters<InMemorySessionRegistry['pushInbox']>) => {
          // The store write succeeded; Redis fails once: the bus retries the event.
          if (failures-- > 0) throw new Error('redis down');
          return t.pushInbox(...args);
        };
      },
    });
    const bus2 = new InMemoryEventBus(3);
    const other = await startProvisioning({
      bus: bus2,
      sessions: flaky,
      store,
      clock,
      retryBackoffMs: 1,
    });
    const cpe = device();
    const inform = driver.informEvent(cpe, ['0 BOOTSTRAP'], 'flaky-1');
    await bus2.publish(TOPICS.informs, [{ key: cpe.deviceId, value: encodeEvent(inform) }]);
    const first = await registry.popInbox('flaky-1', 3_000);
    expect(first).not.toBeNull();
    expect(await registry.popInbox('flaky-1', 50)).toBeNull();
    const doc = await handle.repositories.devices.findById(cpe.deviceId);
    expect(doc?.appliedEvents).toEqual(['flaky-1/inform']);
    expect(failures).toBe(-1);
    await other.stop();
    await bus2.close();
  });

  it('dead-letters an event it cannot read at once', async () => {
    const dlq: DeliveredMessage[] = [];
    await bus.subscribe({
      groupId: 'dlq-watch',
      topics: [`${TOPICS.informs}.dlq`],
      handler: async (m) => {
        dlq.push(m);
      },
    });
    await bus.publish(TOPICS.informs, [{ key: 'X-1', value: '{"schema":"cwmp.inform.v9"}' }]);
    await bus.publish(TOPICS.informs, [{ key: 'X-2', value: 'not json' }]);
    await expectEventually(() => expect(dlq).toHaveLength(2));
    expect(dlq.map((m) => m.headers['x-dlq-error'])).toEqual([
      expect.stringContaining('unknown event schema'),
      expect.stringContaining('not JSON'),
    ]);
    // A key that is not the event's device id is refused the same way.
    const cpe = device();
    const inform = driver.informEvent(cpe, ['0 BOOTSTRAP'], 'keyed');
    await bus.publish(TOPICS.informs, [{ key: 'someone-else', value: encodeEvent(inform) }]);
    await expectEventually(() => expect(dlq).toHaveLength(3));
    expect(await handle.repositories.devices.findById(cpe.deviceId)).toBeUndefined();
    // Through the bus, a valid Inform is applied.
    await bus.publish(TOPICS.informs, [{ key: cpe.deviceId, value: encodeEvent(inform) }]);
    await expectEventually(async () =>
      expect(await handle.repositories.devices.findById(cpe.deviceId)).toBeDefined(),
    );
    expect(new ProvisioningError(ProvisioningErrorCode.Contention, 'x').permanent).toBe(false);
  });
});
