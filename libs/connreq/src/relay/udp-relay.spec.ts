import { InMemoryEventBus } from '@acs/bus';
import { expectEventually } from '@acs/testing';
import { AddressPolicy } from '../http/address.policy';
import { FakeClock } from '../testing/fake-clock';
import { startUdpRelay } from './udp-relay.consumer';
import { CONNREQ_UDP_RELAY_TOPIC, UDP_RELAY_SCHEMA_V1 } from './udp-relay.schema';
import { BusDatagramSender } from './udp-relay.sender';

const ANNEX_G = Buffer.from('GET http://10.0.0.1:7547?ts=1&id=a&un=u&cn=c&sig=00 HTTP/1.1\r\n\r\n');

describe(startUdpRelay.name, () => {
  it('sends the datagrams relayed to its node from its socket, and counts the rest', async () => {
    const bus = new InMemoryEventBus();
    const clock = new FakeClock();
    const sent: { address: string; port: number; bytes: string }[] = [];
    const sender = {
      sendFrom: (address: string, port: number, bytes: Buffer) =>
        Promise.resolve(void sent.push({ address, port, bytes: bytes.toString('latin1') })),
    };
    const relay = await startUdpRelay({
      bus,
      node: 'stun-a',
      sender,
      clock,
      policy: new AddressPolicy({ allow: ['10.0.0.0/8'], deny: [] }),
    });
    try {
      const out = new BusDatagramSender(bus, clock);
      await out.sendFrom('10.0.0.1', 7547, ANNEX_G, 'stun-a');
      await out.sendFrom('10.0.0.2', 7547, ANNEX_G, 'stun-b');
      await out.sendFrom('192.0.2.1', 7547, ANNEX_G, 'stun-a');
      await out.sendFrom('10.0.0.3', 7547, Buffer.from('\x00\x01 not annex G'), 'stun-a');
      await bus.publish(CONNREQ_UDP_RELAY_TOPIC, [
        { key: 'stun-a', value: 'not json' },
        {
          key: 'stun-a',
          value: JSON.stringify({
            schema: UDP_RELAY_SCHEMA_V1,
            node: 'stun-a',
            address: '10.0.0.4',
            port: 7547,
            datagram: ANNEX_G.toString('base64'),
            at: clock.now() - 60_000,
          }),
        },
      ]);
      await expectEventually(() =>
        expect(relay.counters).toEqual({
          sent: 1,
          others: 1,
          stale: 1,
          malformed: 2,
          denied: 1,
          failed: 0,
        }),
      );
      expect(sent).toEqual([
        { address: '10.0.0.1', port: 7547, bytes: ANNEX_G.toString('latin1') },
      ]);
    } finally {
      await relay.stop();
      await bus.close();
    }
  });

  it('refuses to relay without the STUN node that learned the binding', async () => {
    const bus = new InMemoryEventBus();
    await expect(
      new BusDatagramSender(bus, new FakeClock()).sendFrom('10.0.0.1', 7547, ANNEX_G),
    ).rejects.toThrow(/no STUN node/);
    await bus.close();
  });
});
