import { DLQ_HEADER, KafkaEventBus, type DeliveredMessage } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { TOPICS } from '@acs/events';
import { expectEventually, uniqueName } from '@acs/testing';
import { DlqReplayer, REPLAYED_FROM_HEADER } from './dlq.replayer';

// The dead-letter tool on the real broker: a fresh consumer group reads the DLQ from the start,
// the scan ends by itself once the topic stays idle, and a replay lands on the original topic.
describe(`${DlqReplayer.name} (Kafka)`, () => {
  const { KAFKA_BROKERS } = loadInfraConfig();
  const prefix = `${uniqueName('dlq-replay')}.`;
  let bus: KafkaEventBus;

  beforeAll(async () => {
    bus = new KafkaEventBus({
      brokers: KAFKA_BROKERS,
      clientId: 'dlq-replay-test',
      prefix,
      sessionTimeoutMs: 6_000,
    });
    await bus.ensureTopics(
      [TOPICS.informs, `${TOPICS.informs}.dlq`].map((name) => ({ name, partitions: 1 })),
    );
  });

  afterAll(async () => {
    await bus.close();
  });

  it('lists a dead-lettered event and replays it to its topic', async () => {
    await bus.publish(`${TOPICS.informs}.dlq`, [
      {
        key: 'OUI-PC-SN1',
        value: JSON.stringify({ eventId: 'e-1', schema: 'cwmp.inform.v1' }),
        headers: { [DLQ_HEADER.topic]: TOPICS.informs, [DLQ_HEADER.error]: 'Unavailable' },
      },
    ]);
    const replayer = new DlqReplayer(bus);
    const letters = await replayer.scan({
      topics: [`${TOPICS.informs}.dlq`],
      idleMs: 4_000,
      maxMs: 40_000,
    });
    expect(letters.map((l) => [l.id, l.topic, l.key, l.eventId, l.error])).toEqual([
      [`${TOPICS.informs}.dlq:0:0`, TOPICS.informs, 'OUI-PC-SN1', 'e-1', 'Unavailable'],
    ]);
    const seen: DeliveredMessage[] = [];
    const sub = await bus.subscribe({
      groupId: 'observer',
      topics: [TOPICS.informs],
      handler: async (m) => {
        seen.push(m);
      },
    });
    try {
      expect(await replayer.replay(letters)).toBe(1);
      await expectEventually(() => expect(seen).toHaveLength(1), 30_000);
      expect(seen[0]?.key).toBe('OUI-PC-SN1');
      expect(seen[0]?.headers[REPLAYED_FROM_HEADER]).toBe(`${TOPICS.informs}.dlq:0:0`);
      expect(seen[0]?.headers[DLQ_HEADER.error]).toBeUndefined();
    } finally {
      await sub.stop();
    }
  }, 90_000);
});
