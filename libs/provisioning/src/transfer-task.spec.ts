import { InMemoryEventBus } from '@acs/bus';
import { CpeFleet, DEFAULT_GROUP, HttpFileTransferClient, ManualClock } from '@acs/cpe-sim';
import type { SimulatedCpe } from '@acs/cpe-sim';
import type { TransferComplete } from '@acs/cwmp';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore, type DocumentStore } from '@acs/store';
import { startProvisioning, type ProvisioningHandle } from './provisioning.consumer';
import { SessionDriver } from './testing/session.driver';

// Upload and ScheduleInform tasks through the provisioning service (issue 8): sent in the next
// session, and an Upload's task decided by its TransferComplete (TR-069 A.3.3.2) in the session
// that carries it, even when that session has nothing else to do.

const URL = 'http://127.0.0.1:7071/upload/cfg';

describe('ProvisioningService: Upload and ScheduleInform tasks', () => {
  let clock: ManualClock;
  let bus: InMemoryEventBus;
  let registry: InMemorySessionRegistry;
  let store: DocumentStore;
  let handle: ProvisioningHandle;
  let driver: SessionDriver;
  let fleet: CpeFleet;
  let sessions = 0;

  beforeEach(async () => {
    clock = new ManualClock(1_800_000_000_000);
    bus = new InMemoryEventBus(1);
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
    handle = await startProvisioning({ bus, sessions: registry, store, clock, profiles: [] });
    driver = new SessionDriver(
      (e) => handle.service.handle(e),
      registry,
      () => clock.now(),
      'tx',
    );
  });

  afterEach(async () => {
    await handle.stop();
    await bus.close();
    await registry.close();
    await store.close();
  });

  /** A session whose Inform reports the transfer, then its TransferComplete, then the inbox. */
  async function transferSession(cpe: SimulatedCpe, commandKey: string, faultCode: number) {
    const sessionId = `tc${++sessions}`;
    await driver.send(driver.informEvent(cpe, ['7 TRANSFER COMPLETE', 'M Upload'], sessionId));
    const request: TransferComplete = {
      type: 'TransferComplete',
      commandKey,
      faultStruct: { faultCode, faultString: faultCode === 0 ? '' : 'upload failed (HTTP 500)' },
      startTime: new Date(clock.now()).toISOString(),
      completeTime: new Date(clock.now()).toISOString(),
    };
    await driver.send({
      schema: 'cwmp.request.v1',
      eventId: `${sessionId}/request/0`,
      deviceId: cpe.deviceId,
      sessionId,
      occurredAt: new Date(clock.now()).toISOString(),
      request,
    });
    return driver.drain(cpe, sessionId);
  }

  async function uploadTask(cpe: SimulatedCpe) {
    await driver.session(cpe, ['0 BOOTSTRAP']);
    const task = await handle.tasks.create(
      {
        deviceId: cpe.deviceId,
        operation: {
          kind: 'upload',
          file: { fileType: '1 Vendor Configuration File', url: URL, password: 'pw' },
        },
      },
      'operator-1',
    );
    const s = await driver.session(cpe, ['6 CONNECTION REQUEST']);
    expect(s.rpcs.filter((r) => r.type === 'Upload')).toMatchObject([
      { commandKey: `task-${task.id}`.slice(0, 32), url: URL, password: 'pw' },
    ]);
    // Accepted with Status 1 (cpe-sim): pending until the TransferComplete.
    expect((await handle.tasks.get(cpe.deviceId, task.id)).status).toBe('pending');
    return task;
  }

  it('completes an upload task when its TransferComplete reports success', async () => {
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    const task = await uploadTask(cpe);
    const s = await transferSession(cpe, `task-${task.id}`.slice(0, 32), 0);
    expect(s.rpcs).toEqual([]);
    expect((await handle.tasks.get(cpe.deviceId, task.id)).status).toBe('done');
    const audit = await handle.repositories.audit.find({ deviceId: cpe.deviceId });
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['task.created', 'action.done', 'task.done']),
    );
    expect(JSON.stringify(audit.items)).not.toContain('"pw"');
  });

  it('faults an upload task with the TransferComplete fault and does not upload again', async () => {
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    const task = await uploadTask(cpe);
    await transferSession(cpe, `task-${task.id}`.slice(0, 32), 9011);
    const faulted = await handle.tasks.get(cpe.deviceId, task.id);
    expect(faulted).toMatchObject({
      status: 'faulted',
      fault: { code: 9011, target: `task:${task.id}` },
    });
    clock.advance(3_600_000);
    const again = await driver.session(cpe, ['2 PERIODIC']);
    expect(again.rpcs.filter((r) => r.type === 'Upload')).toEqual([]);
  });

  it('runs a scheduleInform task once, with its DelaySeconds and CommandKey', async () => {
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    await driver.session(cpe, ['0 BOOTSTRAP']);
    const task = await handle.tasks.create(
      {
        deviceId: cpe.deviceId,
        operation: { kind: 'scheduleInform', delaySeconds: 60, commandKey: 'si-7' },
      },
      'operator-1',
    );
    const s = await driver.session(cpe, ['6 CONNECTION REQUEST']);
    expect(s.rpcs).toEqual([{ type: 'ScheduleInform', delaySeconds: 60, commandKey: 'si-7' }]);
    expect((await handle.tasks.get(cpe.deviceId, task.id)).status).toBe('done');
    expect(cpe.deferred).toEqual([
      { kind: 'scheduleInform', commandKey: 'si-7', delaySeconds: 60 },
    ]);
    const next = await driver.session(cpe, ['3 SCHEDULED', 'M ScheduleInform']);
    expect(next.rpcs).toEqual([]);
  });
});
