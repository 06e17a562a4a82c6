import { DLQ_HEADER, InMemoryEventBus, type DeliveredMessage } from '@acs/bus';
import { CpeFleet, DEFAULT_GROUP, HttpFileTransferClient, ManualClock } from '@acs/cpe-sim';
import { TOPICS, encodeEvent, EVENT_HEADERS, type InformEventV1 } from '@acs/events';
import {
  DlqReplayer,
  REPLAYED_FROM_HEADER,
  startProvisioning,
  type ProvisioningHandle,
  type ScanTimer,
} from '@acs/provisioning';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { expectEventually } from '@acs/testing';
import { parseDlqArgs, runDlqCommand, type CliOutput } from './dlq-replay';

/** A clock the scan's idle wait advances itself: the scan ends without real waiting. */
function steppingTimer(): ScanTimer {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('dlq-replay', () => {
  let clock: ManualClock;
  let bus: InMemoryEventBus;
  let registry: InMemorySessionRegistry;
  let store: SqliteDocumentStore;
  let handle: ProvisioningHandle;
  let replayer: DlqReplayer;
  let inform: InformEventV1;

  beforeEach(async () => {
    clock = new ManualClock(1_800_000_000_000);
    bus = new InMemoryEventBus(2);
    registry = new InMemorySessionRegistry(() => clock.now());
    store = SqliteDocumentStore.open({ directory: ':memory:' });
    handle = await startProvisioning({ bus, sessions: registry, store, clock });
    replayer = new DlqReplayer(bus, steppingTimer());
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
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0]!;
    const built = cpe.buildInform(new Date(clock.now()).toISOString());
    inform = {
      schema: 'cwmp.inform.v1',
      eventId: 'dlq-s1/inform',
      deviceId: cpe.deviceId,
      sessionId: 'dlq-s1',
      occurredAt: new Date(clock.now()).toISOString(),
      cwmpVersion: '1.2',
      inform: built,
    };
  });

  afterEach(async () => {
    await handle.stop();
    await bus.close();
    await registry.close();
    await store.close();
  });

  /** What the bus writes after the retries of a transient failure ran out (e.g. store outage). */
  async function deadLetterInform(): Promise<void> {
    await bus.publish(`${TOPICS.informs}.dlq`, [
      {
        key: inform.deviceId,
        value: encodeEvent(inform),
        headers: {
          [EVENT_HEADERS.schema]: inform.schema,
          [DLQ_HEADER.topic]: TOPICS.informs,
          [DLQ_HEADER.partition]: '0',
          [DLQ_HEADER.offset]: '41',
          [DLQ_HEADER.error]: 'StoreError: server unreachable',
        },
      },
    ]);
  }

  it('lists dead-lettered events, including one the service refused', async () => {
    await deadLetterInform();
    // A permanent failure, dead-lettered by the service itself: the key is not the device id.
    await bus.publish(TOPICS.informs, [{ key: 'someone-else', value: encodeEvent(inform) }]);
    const io = capture();
    await expectEventually(async () => {
      io.lines.length = 0;
      expect(await runDlqCommand(parseDlqArgs(['list']), replayer, io)).toBe(0);
      expect(io.lines).toHaveLength(2);
    });
    const listed = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: TOPICS.informs,
          key: inform.deviceId,
          eventId: 'dlq-s1/inform',
          schema: 'cwmp.inform.v1',
          error: 'StoreError: server unreachable',
        }),
        expect.objectContaining({ key: 'someone-else' }),
      ]),
    );
    expect(listed.find((l) => l['key'] === 'someone-else')?.['error']).toMatch(
      /not the event's device id/,
    );
  });

  it('replays a selected event to its topic, where the service applies it', async () => {
    await deadLetterInform();
    const replayed: DeliveredMessage[] = [];
    await bus.subscribe({
      groupId: 'observer',
      topics: [TOPICS.informs],
      handler: async (m) => {
        replayed.push(m);
      },
    });
    const io = capture();
    const [letter] = await replayer.scan();
    expect(await runDlqCommand(parseDlqArgs(['replay', '--id', letter!.id]), replayer, io)).toBe(0);
    await expectEventually(async () =>
      expect(await handle.repositories.devices.findById(inform.deviceId)).toBeDefined(),
    );
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.headers[REPLAYED_FROM_HEADER]).toBe(letter!.id);
    expect(Object.keys(replayed[0]!.headers).filter((h) => h.startsWith('x-dlq-topic'))).toEqual(
      [],
    );
  });

  it('replays nothing on a dry run or an unknown id, and says so', async () => {
    await deadLetterInform();
    const io = capture();
    expect(await runDlqCommand(parseDlqArgs(['replay', '--all', '--dry-run']), replayer, io)).toBe(
      0,
    );
    expect(io.errors).toContain('would replay 1 event(s)');
    expect(
      await runDlqCommand(
        parseDlqArgs(['replay', '--id', 'acs.cwmp.informs.dlq:0:999']),
        replayer,
        io,
      ),
    ).toBe(1);
    expect(io.errors).toContain('not found: acs.cwmp.informs.dlq:0:999');
    expect(await handle.repositories.devices.findById(inform.deviceId)).toBeUndefined();
  });

  it('refuses bad arguments with the usage', () => {
    for (const argv of [
      [],
      ['drop'],
      ['replay'],
      ['replay', '--all', '--id', 'x'],
      ['list', '--limit', '0'],
      ['list', '--all'],
      ['replay', '--id'],
    ])
      expect(() => parseDlqArgs(argv)).toThrow(/usage: dlq-replay/);
    expect(parseDlqArgs(['replay', '--all', '--key', 'D1', '--idle-ms', '100'])).toEqual({
      action: 'replay',
      scan: { idleMs: 100 },
      dryRun: false,
      selection: { all: true, ids: [], key: 'D1' },
    });
  });
});
