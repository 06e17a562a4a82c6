import {
  buildBindingRequest,
  checkMessageIntegrity,
  decodeErrorCodeValue,
  decodeStunMessage,
  encodeStunMessage,
  readMappedAddress,
  StunAttr,
} from '@acs/stun';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import type { StunCredential } from '../ports/device-contact.port';
import { FakeClock } from '../testing/fake-clock';
import { StunBindingHandler } from './stun-binding.handler';

const from = { address: '127.0.0.5', port: 40001, family: 4 as const };
const creds: Record<string, StunCredential> = {
  'stun-user-1': { deviceId: 'dev-1', password: 'stun-pw-1', reportedAddress: '192.168.1.10:7547' },
  'stun-user-2': { deviceId: 'dev-2', password: 'stun-pw-2', reportedAddress: '127.0.0.5:40001' },
};
let txn = 0;
const tid = () => {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(++txn, 8);
  return b;
};

function setup(requireAuth = true) {
  const bindings = new InMemoryBindingStore();
  const handler = new StunBindingHandler({
    credentials: { lookup: (u) => Promise.resolve(creds[u]) },
    bindings,
    clock: new FakeClock(),
    requireAuth,
  });
  return { handler, bindings };
}

const errorCodeOf = (reply: Buffer | undefined): number | undefined => {
  const m = decodeStunMessage(reply!);
  const e = m.attributes.find((a) => a.type === StunAttr.ErrorCode);
  return e === undefined ? undefined : decodeErrorCodeValue(e.value).code;
};

describe(StunBindingHandler.name, () => {
  it('challenges a request without credentials with 401 and stores nothing', async () => {
    const { handler, bindings } = setup();
    const reply = await handler.handle(
      buildBindingRequest({ transactionId: tid(), connectionRequestBinding: true }),
      from,
    );
    expect(errorCodeOf(reply)).toBe(401);
    expect(bindings.size).toBe(0);
    expect(handler.counters).toMatchObject({ received: 1, rejected: 1 });
  });

  it.each([
    ['an unknown user', { username: 'nobody', integrityKey: Buffer.from('x') }],
    ['a wrong password', { username: 'stun-user-1', integrityKey: Buffer.from('wrong') }],
    ['a username without MESSAGE-INTEGRITY', { username: 'stun-user-1' }],
  ])('answers 401 to %s', async (_n, auth) => {
    const { handler, bindings } = setup();
    const reply = await handler.handle(
      buildBindingRequest({ transactionId: tid(), connectionRequestBinding: true, ...auth }),
      from,
    );
    expect(errorCodeOf(reply)).toBe(401);
    expect(bindings.size).toBe(0);
  });

  it('answers an authenticated TR-111 request, signs the response and stores the binding with NAT detected', async () => {
    const { handler, bindings } = setup();
    const t = tid();
    const reply = await handler.handle(
      buildBindingRequest({
        transactionId: t,
        username: 'stun-user-1',
        integrityKey: Buffer.from('stun-pw-1'),
        connectionRequestBinding: true,
        fingerprint: true,
      }),
      from,
    );
    const m = decodeStunMessage(reply!);
    expect(m.cls).toBe('success');
    expect(m.transactionId).toEqual(t);
    expect(readMappedAddress(m)).toEqual({ family: 4, address: '127.0.0.5', port: 40001 });
    expect(checkMessageIntegrity(m, Buffer.from('stun-pw-1'))).toBe('ok');
    expect(await bindings.get('dev-1')).toMatchObject({
      address: '127.0.0.5',
      port: 40001,
      natDetected: true,
      changed: false,
    });
  });

  it('records BINDING-CHANGE and no NAT when the source is the reported address', async () => {
    const { handler, bindings } = setup();
    await handler.handle(
      buildBindingRequest({
        transactionId: tid(),
        username: 'stun-user-2',
        integrityKey: Buffer.from('stun-pw-2'),
        connectionRequestBinding: true,
        bindingChange: true,
      }),
      from,
    );
    expect(await bindings.get('dev-2')).toMatchObject({ natDetected: false, changed: true });
  });

  it('answers a plain binding request (no TR-111 marker) without storing a binding', async () => {
    const { handler, bindings } = setup();
    const reply = await handler.handle(
      buildBindingRequest({
        transactionId: tid(),
        username: 'stun-user-1',
        integrityKey: Buffer.from('stun-pw-1'),
      }),
      from,
    );
    expect(decodeStunMessage(reply!).cls).toBe('success');
    expect(bindings.size).toBe(0);
  });

  it('serves anonymous STUN clients when authentication is not required', async () => {
    const { handler } = setup(false);
    const reply = await handler.handle(
      buildBindingRequest({ transactionId: Buffer.alloc(16, 1) }),
      from,
    );
    const m = decodeStunMessage(reply!);
    expect(m).toMatchObject({ cls: 'success', classic: true });
    expect(readMappedAddress(m)).toMatchObject({ address: '127.0.0.5', port: 40001 });
  });

  it('answers 420 listing unknown comprehension-required attributes', async () => {
    const { handler } = setup(false);
    const raw = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid(),
      attributes: [{ type: 0x0077, value: Buffer.alloc(4) }],
    });
    expect(errorCodeOf(await handler.handle(raw, from))).toBe(420);
  });

  it('drops and counts garbage, responses and bad fingerprints without answering', async () => {
    const { handler } = setup(false);
    const bad = buildBindingRequest({ transactionId: tid(), fingerprint: true });
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    const inputs = [
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.alloc(0),
      encodeStunMessage({ method: 1, cls: 'success', transactionId: tid(), attributes: [] }),
      bad,
    ];
    for (const i of inputs) expect(await handler.handle(i, from)).toBeUndefined();
    expect(handler.counters).toMatchObject({ received: 4, dropped: 4, answered: 0 });
  });

  it('still answers when the binding store fails, and counts it', async () => {
    const bindings = new InMemoryBindingStore();
    await bindings.close();
    const handler = new StunBindingHandler({
      credentials: { lookup: (u) => Promise.resolve(creds[u]) },
      bindings,
      clock: new FakeClock(),
    });
    const reply = await handler.handle(
      buildBindingRequest({
        transactionId: tid(),
        username: 'stun-user-1',
        integrityKey: Buffer.from('stun-pw-1'),
        connectionRequestBinding: true,
      }),
      from,
    );
    expect(decodeStunMessage(reply!).cls).toBe('success');
    expect(handler.counters.bindingStoreErrors).toBe(1);
  });
});
