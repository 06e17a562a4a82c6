import { createSocket, type Socket } from 'node:dgram';
import { loadInfraConfig } from '@acs/config';
import { expectEventually, uniqueName } from '@acs/testing';
import {
  buildBindingRequest,
  checkMessageIntegrity,
  decodeErrorCodeValue,
  decodeStunMessage,
  readMappedAddress,
  StunAttr,
} from '@acs/stun';
import * as stun from 'stun';
import { RedisBindingStore } from '../adapters/binding-store.redis';
import { InMemoryStunCredentials } from '../adapters/stun-credentials.adapters';
import { SystemClock } from '../ports/clock.port';
import { startStunServer, type StunService } from '../service/stun.service';

const { REDIS_URL } = loadInfraConfig();
const keyPrefix = `${uniqueName('stun-test')}:`;

async function udpClient(host = '127.0.0.1'): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  return s;
}

function exchange(s: Socket, to: StunService, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no STUN answer')), 3_000);
    s.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    s.send(bytes, to.port, to.address);
  });
}

describe('STUN server over UDP', () => {
  let bindings: RedisBindingStore;
  const credentials = new InMemoryStunCredentials();
  const sockets: Socket[] = [];
  const services: StunService[] = [];
  const start = async (requireAuth: boolean) => {
    const s = await startStunServer({
      host: '127.0.0.1',
      port: 0,
      credentials,
      bindings,
      clock: new SystemClock(),
      requireAuth,
    });
    services.push(s);
    return s;
  };
  const client = async (host?: string) => {
    const s = await udpClient(host);
    sockets.push(s);
    return s;
  };

  beforeAll(() => {
    bindings = new RedisBindingStore({ url: REDIS_URL, keyPrefix });
    credentials.set('stun-cpe-1', {
      deviceId: 'dev-stun-1',
      password: 'stun-secret',
      reportedAddress: '192.168.1.2:7547',
    });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(services.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await bindings.close();
  });

  it('answers the npm stun client with its XOR-MAPPED-ADDRESS (RFC 5389)', async () => {
    const server = await start(false);
    const socket = await client();
    const res = await stun.request(`127.0.0.1:${server.port}`, {
      socket,
      retries: 2,
      timeout: 500,
    });
    expect(res.getXorAddress()).toMatchObject({
      address: '127.0.0.1',
      port: socket.address().port,
    });
    expect(res.getAddress()).toMatchObject({ address: '127.0.0.1', port: socket.address().port });
    expect(stun.validateFingerprint(res)).toBe(true);
  });

  it('authenticates the npm stun client by USERNAME/MESSAGE-INTEGRITY and signs its answer', async () => {
    const server = await start(true);
    const socket = await client();
    const msg = stun.createMessage(stun.constants['STUN_BINDING_REQUEST']!);
    msg.addUsername('stun-cpe-1');
    msg.addMessageIntegrity('stun-secret');
    msg.addFingerprint();
    const reply = decodeStunMessage(await exchange(socket, server, stun.encode(msg)));
    expect(reply.cls).toBe('success');
    expect(checkMessageIntegrity(reply, Buffer.from('stun-secret'))).toBe('ok');
    expect(stun.validateMessageIntegrity(stun.decode(reply.raw), 'stun-secret')).toBe(true);
  });

  it('challenges a hand-built TR-111 request with 401, then stores the binding of the signed one in Redis', async () => {
    const server = await start(true);
    const socket = await client('127.0.0.3');
    const tid = Buffer.alloc(12, 7);
    const first = decodeStunMessage(
      await exchange(
        socket,
        server,
        buildBindingRequest({ transactionId: tid, connectionRequestBinding: true }),
      ),
    );
    expect(first.cls).toBe('error');
    expect(
      decodeErrorCodeValue(first.attributes.find((a) => a.type === StunAttr.ErrorCode)!.value).code,
    ).toBe(401);

    const signed = buildBindingRequest({
      transactionId: Buffer.alloc(12, 8),
      username: 'stun-cpe-1',
      integrityKey: Buffer.from('stun-secret'),
      connectionRequestBinding: true,
      bindingChange: true,
      fingerprint: true,
    });
    const ok = decodeStunMessage(await exchange(socket, server, signed));
    expect(ok.cls).toBe('success');
    expect(readMappedAddress(ok)).toEqual({
      family: 4,
      address: '127.0.0.3',
      port: socket.address().port,
    });
    expect(await bindings.get('dev-stun-1')).toMatchObject({
      address: '127.0.0.3',
      port: socket.address().port,
      natDetected: true,
      changed: true,
    });
  });

  it('answers a classic RFC 3489 client with MAPPED-ADDRESS', async () => {
    const server = await start(false);
    const socket = await client();
    const reply = decodeStunMessage(
      await exchange(socket, server, buildBindingRequest({ transactionId: Buffer.alloc(16, 3) })),
    );
    expect(reply.classic).toBe(true);
    expect(readMappedAddress(reply)).toMatchObject({ port: socket.address().port });
  });

  it('drops and counts 20,000 garbage datagrams and keeps answering', async () => {
    const server = await start(false);
    const socket = await client();
    let sent = 0;
    for (let batch = 0; batch < 200; batch++) {
      // 100 per batch stays well inside the default socket receive buffer (~208 KiB).
      for (let i = 0; i < 100; i++) {
        const junk = Buffer.alloc(2 + ((sent * 7) % 200), sent & 0xff);
        if (sent % 3 === 0) junk.writeUInt16BE(0x0001, 0);
        socket.send(junk, server.port, '127.0.0.1');
        sent++;
      }
      // Pace batches by what the server counted, so the kernel's socket buffer never overflows.
      await expectEventually(() => server.counters.received === sent, 5_000, 5);
    }
    expect(server.counters.dropped).toBe(20_000);
    const res = await stun.request(`127.0.0.1:${server.port}`, {
      socket: await client(),
      retries: 2,
      timeout: 500,
    });
    expect(res.getXorAddress()).toBeDefined();
  }, 60_000);
});
