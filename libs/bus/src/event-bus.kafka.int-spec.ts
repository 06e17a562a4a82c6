import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadInfraConfig } from '@acs/config';
import { expectEventually, uniqueName } from '@acs/testing';
import { BusErrorCode } from './bus.error';
import { KafkaEventBus } from './event-bus.kafka';
import { describeEventBusContract } from './testing/event-bus.contract';

const { KAFKA_BROKERS } = loadInfraConfig();
const prefix = `${uniqueName('bus-test')}.`;
const newBus = () => new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId: 'bus-test', prefix, sessionTimeoutMs: 6_000 });

jest.setTimeout(120_000);

describeEventBusContract(`kafka ${KAFKA_BROKERS.join(',')}`, async () => newBus());

const launcher = path.resolve(__dirname, '../../../deploy/local/services');
// The launcher manages the broker on 127.0.0.1:${ACS_KAFKA_PORT} (default 19092); any other is not ours to stop.
const managedLocally = KAFKA_BROKERS.join(',') === `127.0.0.1:${process.env.ACS_KAFKA_PORT ?? '19092'}`;

describe(`${KafkaEventBus.name} when the broker dies`, () => {
  // Stopping a broker we do not manage (KAFKA_BROKERS pointing elsewhere) is not ours to do.
  const maybe = managedLocally ? it : it.skip;

  maybe('reports Unavailable while the broker is down and recovers when it is back', async () => {
    const bus = new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId: 'bus-test', prefix, publishTimeoutMs: 3_000 });
    const topic = 'broker-kill';
    const seen: string[] = [];
    try {
      const sub = await bus.subscribe({ groupId: 'kill', topics: [topic], handler: async (m) => void seen.push(m.value.toString()) });
      await bus.publish(topic, [{ key: 'k', value: 'before' }]);
      await expectEventually(() => expect(seen).toContain('before'), 30_000);

      execFileSync(launcher, ['down', 'kafka'], { stdio: 'inherit' });
      await expect(bus.publish(topic, [{ key: 'k', value: 'lost?' }])).rejects.toMatchObject({
        code: BusErrorCode.Unavailable,
      });

      execFileSync(launcher, ['up', 'kafka'], { stdio: 'inherit' });
      await expectEventually(() => bus.publish(topic, [{ key: 'k', value: 'after' }]), 60_000, 500);
      await expectEventually(() => expect(seen).toContain('after'), 60_000);
      expect(seen).not.toContain('lost?');
      await sub.stop();
    } finally {
      await bus.close();
      execFileSync(launcher, ['up', 'kafka'], { stdio: 'inherit' });
    }
  });
});
