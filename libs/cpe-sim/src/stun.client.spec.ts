import dgram from 'node:dgram';
import {
  buildBindingError,
  buildBindingSuccess,
  readBindingRequest,
  type BindingRequestView,
} from '@acs/stun';
import { expectEventually } from '@acs/testing';
import { SystemClock } from './sim.clock';
import { CpeStunClient } from './stun.client';
import { SimHarness } from './testing/sim-harness';
import { UdpConnectionRequestListener, udpSignature } from './udp-connection-request';

/** A STUN server for the test: records requests, can demand credentials, can move the mapping. */
class FakeStunServer {
  readonly requests: BindingRequestView[] = [];
  readonly socket = dgram.createSocket('udp4');
  requireAuth = false;
  portShift = 0;
  /** Report this IPv6 address as the mapped one (a CPE behind NAT64 / on an IPv6 path). */
  mappedIpv6: string | undefined;
  lastClient: { address: string; port: number } | undefined;

  async start(): Promise<number> {
    this.socket.on('message', (msg, rinfo) => {
      const view = readBindingRequest(msg);
      this.requests.push(view);
      this.lastClient = { address: rinfo.address, port: rinfo.port };
      const reply =
        this.requireAuth && !view.hasIntegrity
          ? buildBindingError({ request: view.message, code: 401, reason: 'Unauthorized' })
          : buildBindingSuccess({
              request: view.message,
              mapped:
                this.mappedIpv6 === undefined
                  ? { family: 4, address: rinfo.address, port: rinfo.port + this.portShift }
                  : { family: 6, address: this.mappedIpv6, port: rinfo.port + this.portShift },
            });
      this.socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }
}

describe(CpeStunClient.name, () => {
  let server: FakeStunServer;
  let client: CpeStunClient | undefined;
  beforeEach(() => (server = new FakeStunServer()));
  afterEach(() => {
    client?.stop();
    server.close();
  });

  async function start(
    h: SimHarness,
    creds = false,
  ): Promise<{
    cpe: ReturnType<SimHarness['device']>;
    udp: UdpConnectionRequestListener;
    localPort: number;
  }> {
    const port = await server.start();
    const cpe = h.device({ crPassword: 'pw' });
    h.fleet.boot(cpe);
    await h.settle();
    const udp = new UdpConnectionRequestListener(h.fleet);
    client = new CpeStunClient(cpe, udp, {
      server: { host: '127.0.0.1', port },
      bindHost: '127.0.0.1',
      keepAliveMs: 60_000,
      retransmitMs: 1_000,
      clock: new SystemClock(),
      ...(creds ? { username: 'stun-user', password: 'stun-pw' } : {}),
    });
    const localPort = await client.start();
    return { cpe, udp, localPort };
  }

  it('binds with CONNECTION-REQUEST-BINDING and records the mapped address', async () => {
    const h = new SimHarness();
    const { cpe, localPort } = await start(h);
    await expectEventually(() => expect(client?.state.kind).toBe('bound'));
    expect(server.requests[0]).toMatchObject({
      connectionRequestBinding: true,
      bindingChange: false,
    });
    expect(cpe.model.rawRead('Device.ManagementServer.UDPConnectionRequestAddress')).toBe(
      `127.0.0.1:${localPort}`,
    );
  });

  it('writes an IPv6 mapped address in brackets', async () => {
    const h = new SimHarness();
    server.mappedIpv6 = '2001:db8::7';
    const { cpe, localPort } = await start(h);
    await expectEventually(() => expect(client?.state.kind).toBe('bound'));
    expect(cpe.model.rawRead('Device.ManagementServer.UDPConnectionRequestAddress')).toBe(
      `[2001:db8::7]:${localPort}`,
    );
  });

  it('answers a 401 with USERNAME and MESSAGE-INTEGRITY', async () => {
    const h = new SimHarness();
    server.requireAuth = true;
    await start(h, true);
    await expectEventually(() => expect(client?.state.kind).toBe('bound'));
    expect(server.requests.map((r) => [r.username, r.hasIntegrity])).toEqual([
      [undefined, false],
      ['stun-user', true],
    ]);
  });

  it('accepts a signed UDP connection request arriving on its socket and refuses junk', async () => {
    const h = new SimHarness();
    const { cpe, udp, localPort } = await start(h);
    await expectEventually(() => expect(client?.state.kind).toBe('bound'));
    const r = { ts: 42, id: 'x1', un: cpe.crUsername, cn: 'c' };
    const q = new URLSearchParams({
      ts: '42',
      id: 'x1',
      un: r.un,
      cn: 'c',
      sig: udpSignature(r, 'pw'),
    });
    const datagram = Buffer.from(
      `GET http://127.0.0.1:${localPort}?${q.toString()} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    server.socket.send(datagram, localPort, '127.0.0.1');
    server.socket.send(Buffer.from('junk'), localPort, '127.0.0.1');
    await expectEventually(() => expect(udp.verdicts).toMatchObject({ accepted: 1, malformed: 1 }));
    await h.settle();
    expect(h.informEvents(cpe).at(-1)).toEqual(['6 CONNECTION REQUEST']);
  });

  it('sends BINDING-CHANGE when the mapped address moved', async () => {
    const h = new SimHarness();
    const port = await server.start();
    const cpe = h.device();
    const clock = h.clock;
    client = new CpeStunClient(cpe, new UdpConnectionRequestListener(h.fleet), {
      server: { host: '127.0.0.1', port },
      bindHost: '127.0.0.1',
      keepAliveMs: 30_000,
      retransmitMs: 5_000,
      clock,
    });
    await client.start();
    await expectEventually(() => expect(client?.state.kind).toBe('bound'));
    server.portShift = 1;
    clock.advance(30_000);
    await expectEventually(() =>
      expect(server.requests.map((r) => r.bindingChange)).toEqual([false, false, true]),
    );
  });
});
