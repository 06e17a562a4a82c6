import * as fc from 'fast-check';
import { buildBindingRequest, readBindingRequest } from './binding.protocol';
import { StunError } from './stun.error';
import { checkFingerprint, checkMessageIntegrity, decodeStunMessage } from './stun-message.codec';

// Property: any datagram either decodes or is refused with a StunError — never another exception,
// never a hang. 60,000 inputs per run here; the UDP connection-request path and the STUN server's
// packet handler are fuzzed in libs/connreq (together ≥ 100,000 per run).

function classify(buf: Buffer): 'ok' | 'refused' {
  try {
    const v = readBindingRequest(buf);
    checkMessageIntegrity(v.message, Buffer.from('k'));
    checkFingerprint(v.message);
    return 'ok';
  } catch (e) {
    if (e instanceof StunError) return 'refused';
    throw e;
  }
}

const valid = buildBindingRequest({
  transactionId: Buffer.alloc(12, 9),
  username: 'cpe',
  connectionRequestBinding: true,
  bindingChange: true,
  integrityKey: Buffer.from('k'),
  fingerprint: true,
});

describe('STUN parser fuzzing', () => {
  it('refuses or accepts 20,000 random byte strings without another exception', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        n++;
        classify(Buffer.from(bytes));
      }),
      { numRuns: 20_000 },
    );
    expect(n).toBe(20_000);
  });

  it('survives 20,000 STUN-framed messages with random attribute lists', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 })), {
          maxLength: 80,
        }),
        fc.boolean(),
        (attrs, cookie) => {
          n++;
          const body = Buffer.concat(
            attrs.map(([t, v]) => {
              const h = Buffer.alloc(4 + v.length + ((4 - (v.length % 4)) % 4));
              h.writeUInt16BE(t, 0);
              h.writeUInt16BE(v.length, 2);
              Buffer.from(v).copy(h, 4);
              return h;
            }),
          );
          const head = Buffer.alloc(20);
          head.writeUInt16BE(0x0001, 0);
          head.writeUInt16BE(body.length & 0xffff, 2);
          if (cookie) head.writeUInt32BE(0x2112a442, 4);
          classify(Buffer.concat([head, body]));
        },
      ),
      { numRuns: 20_000 },
    );
    expect(n).toBe(20_000);
  });

  it('survives 20,000 byte-level mutations of a valid TR-111 request', () => {
    let n = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: -8, max: 8 }),
        (flips, resize) => {
          n++;
          const b = Buffer.from(valid);
          for (const [i, v] of flips) b[i] = v;
          const mutated =
            resize >= 0
              ? Buffer.concat([b, Buffer.alloc(resize)])
              : b.subarray(0, b.length + resize);
          if (classify(mutated) === 'refused') refused++;
          else if (decodeStunMessage(mutated).raw.length !== mutated.length)
            throw new Error('lost bytes');
        },
      ),
      { numRuns: 20_000 },
    );
    expect(n).toBe(20_000);
    expect(refused).toBeGreaterThan(0);
  });
});
