import * as fc from 'fast-check';
import { buildBindingRequest } from '@acs/stun';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import { ConnreqError } from '../connreq.error';
import { FakeClock } from '../testing/fake-clock';
import {
  buildUdpConnectionRequest,
  parseUdpConnectionRequest,
  verifyUdpConnectionRequest,
} from '../udp/annex-g.message';
import { UdpReplayGuard } from '../udp/replay.guard';
import { StunBindingHandler } from './stun-binding.handler';

// The UDP path fuzzed: the STUN server's datagram handler (every datagram must end in exactly one
// counter, none may throw) and the CPE-side Annex G parser. 80,000 + 25,000 inputs per run, plus
// the 60,000 of libs/stun's parser fuzz: ≥ 100,000 malformed packets through the UDP path.

const from = { address: '127.0.0.1', port: 5000, family: 4 as const };
const valid = buildBindingRequest({
  transactionId: Buffer.alloc(12, 4),
  username: 'u',
  integrityKey: Buffer.from('pw'),
  connectionRequestBinding: true,
  fingerprint: true,
});
const validCr = buildUdpConnectionRequest({
  ts: 1_700_000_000,
  id: 'abc',
  un: 'u',
  cn: 'cn',
  hostPort: '127.0.0.1:7547',
  password: 'pw',
});

function mutate(base: Buffer, flips: [number, number][], resize: number): Buffer {
  const b = Buffer.from(base);
  for (const [i, v] of flips) b[i % b.length] = v;
  return resize >= 0
    ? Buffer.concat([b, Buffer.alloc(resize, 0x41)])
    : b.subarray(0, Math.max(0, b.length + resize));
}

describe('UDP path fuzzing', () => {
  const handler = new StunBindingHandler({
    credentials: {
      lookup: (u) => Promise.resolve(u === 'u' ? { deviceId: 'd', password: 'pw' } : undefined),
    },
    bindings: new InMemoryBindingStore(),
    clock: new FakeClock(),
  });

  it('counts every one of 80,000 malformed datagrams in exactly one STUN server counter', async () => {
    const random = fc.sample(fc.uint8Array({ maxLength: 300 }), 40_000).map((b) => Buffer.from(b));
    const mutated = fc
      .sample(
        fc.tuple(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          fc.integer({ min: -12, max: 12 }),
        ),
        40_000,
      )
      .map(([flips, resize]) => mutate(valid, flips, resize));
    for (const d of [...random, ...mutated]) await handler.handle(d, from);
    const c = handler.counters;
    expect(c.received).toBe(80_000);
    expect(c.answered + c.rejected + c.dropped + c.shed + c.failed).toBe(80_000);
    expect(c.failed).toBe(0);
    expect(c.dropped).toBeGreaterThan(70_000);
  });

  it('parses or refuses 25,000 malformed Annex G datagrams with a ConnreqError only', () => {
    let refused = 0;
    const check = (d: Buffer): void => {
      try {
        const p = parseUdpConnectionRequest(d);
        if (verifyUdpConnectionRequest(p, 'pw')) new UdpReplayGuard().check(p);
      } catch (e) {
        if (!(e instanceof ConnreqError)) throw e;
        refused++;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => check(Buffer.from(b))),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) =>
        check(Buffer.from(`GET http://h:1?${s} HTTP/1.1\r\n\r\n`)),
      ),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: -20, max: 20 }),
        (flips, resize) => check(mutate(validCr, flips, resize)),
      ),
      { numRuns: 10_000 },
    );
    expect(refused).toBeGreaterThan(20_000);
  });
});
