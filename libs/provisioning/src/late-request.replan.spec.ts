import { InMemoryEventBus } from '@acs/bus';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  ManualClock,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import type { CpeMethodRequest } from '@acs/cwmp';
import { decodeInboxEntry, type CpeRequestEventV1 } from '@acs/events';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { loadState } from './device.document';
import { ProvisioningErrorCode } from './provisioning.error';
import { startProvisioning, type ProvisioningHandle } from './provisioning.consumer';
import { ProvisioningService } from './provisioning.service';
import { SessionDriver } from './testing/session.driver';

// A CPE request that arrives after provisioning planned the session (TR-069 3.7.1.1: the CPE
// sends its requests before the empty POST): the session is re-planned while it is still open.
describe(`${ProvisioningService.name} after a late CPE request`, () => {
  let clock: ManualClock;
  let bus: InMemoryEventBus;
  let registry: InMemorySessionRegistry;
  let store: SqliteDocumentStore;
  let handle: ProvisioningHandle;
  let driver: SessionDriver;
  let cpe: SimulatedCpe;

  beforeEach(async () => {
    clock = new ManualClock(1_800_000_000_000);
    bus = new InMemoryEventBus(1);
    registry = new InMemorySessionRegistry(() => clock.now());
    store = SqliteDocumentStore.open({ directory: ':memory:' });
    const fleet = new CpeFleet({
      clock,
      random: Math.random,
      transport: () => {
        throw new Error('no transport in unit tests');
      },
      files: new HttpFileTransferClient(),
      maxConcurrentSessions: 1,
      periodic: false,
    });
    cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    handle = await startProvisioning({
      bus,
      sessions: registry,
      store,
      clock,
      // No wait after a failed transfer: the retry is due as soon as the failure is known.
      policy: { backoffBaseMs: 0 },
      profiles: [{ name: 'fw', firmware: { version: '9.9', url: 'http://127.0.0.1:9/fw.bin' } }],
    });
    driver = new SessionDriver(
      (e) => handle.service.handle(e),
      registry,
      () => clock.now(),
    );
  });

  afterEach(async () => {
    await handle.stop();
    await bus.close();
    await registry.close();
    await store.close();
  });

  const transferComplete = (
    sessionId: string,
    commandKey: string,
    faultCode: number,
  ): CpeRequestEventV1 => ({
    schema: 'cwmp.request.v1',
    eventId: `${sessionId}/request/1`,
    deviceId: cpe.deviceId,
    sessionId,
    occurredAt: new Date(clock.now()).toISOString(),
    request: {
      type: 'TransferComplete',
      commandKey,
      faultStruct: { faultCode, faultString: faultCode === 0 ? '' : 'Download failure' },
      startTime: new Date(clock.now() - 5000).toISOString(),
      completeTime: new Date(clock.now()).toISOString(),
    },
  });

  async function firstDownload(): Promise<Extract<CpeMethodRequest, { type: 'Download' }>> {
    const first = await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    const download = first.rpcs.find((r) => r.type === 'Download');
    if (download?.type !== 'Download') throw new Error('no Download planned');
    return download;
  }

  it('re-plans a session already planned as done when a TransferComplete reports a failure', async () => {
    const download = await firstDownload();
    clock.advance(60_000);
    // The CPE comes back without the new image; while the transfer is pending nothing is planned.
    await driver.send(driver.informEvent(cpe, ['7 TRANSFER COMPLETE', 'M Download'], 's2'));
    // Then, before its empty POST, the CPE reports the failure.
    await driver.send(transferComplete('s2', download.commandKey, 9010));
    // Recorded like any transfer fault (cleared again once the retried Download is accepted).
    const faults = await handle.repositories.faults.find({ deviceId: cpe.deviceId });
    expect(faults.items.map((f) => [f.sourceName, f.kind, f.code])).toEqual([
      ['fw', 'transfer', 9010],
    ]);
    const s2 = await driver.drain(cpe, 's2');
    // The `done` of the Inform's plan was replaced: the Download is retried in the same session.
    expect(s2.rpcs.map((r) => r.type)).toEqual(['Download']);
    expect(s2.rpcIds[0]).toMatch(/^s2\.1\./);
  });

  it('leaves a finished session alone when the request changes nothing to do', async () => {
    const download = await firstDownload();
    clock.advance(60_000);
    await driver.send(driver.informEvent(cpe, ['1 BOOT'], 's3'));
    // A success that reports the image the CPE runs now: nothing more to do in this session.
    const doc = (await handle.repositories.devices.findById(cpe.deviceId))!;
    const state = loadState(doc.state, cpe.deviceId);
    await handle.repositories.devices.update(doc._id, doc._version, {
      $set: { 'state.softwareVersion': '9.9' },
    });
    expect(state.transfers[download.commandKey]).toBeDefined();
    await driver.send(transferComplete('s3', download.commandKey, 0));
    const raw = await registry.popInbox('s3', 100);
    expect(raw === null ? null : decodeInboxEntry(raw)).toEqual({ kind: 'done' });
    expect(await registry.popInbox('s3', 20)).toBeNull();
  });

  it('applies a request of an older session without re-planning the live one', async () => {
    const download = await firstDownload();
    clock.advance(60_000);
    await driver.send(driver.informEvent(cpe, ['1 BOOT'], 's5'));
    // The first session's request, delivered late: applied to the state, the live session untouched.
    await handle.service.handle(transferComplete('sess1', download.commandKey, 9010));
    const faults = await handle.repositories.faults.find({ deviceId: cpe.deviceId });
    expect(faults.items.map((f) => [f.kind, f.code])).toEqual([['transfer', 9010]]);
    const raw = await registry.popInbox('s5', 100);
    expect(raw === null ? null : decodeInboxEntry(raw)).toEqual({ kind: 'done' });
  });

  it('retries a request whose Inform has not been applied yet', async () => {
    await firstDownload();
    clock.advance(60_000);
    await expect(handle.service.handle(transferComplete('s4', 'fw-x', 0))).rejects.toMatchObject({
      code: ProvisioningErrorCode.NotReady,
    });
  });
});
