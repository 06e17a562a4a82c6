import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { expectEventually } from '@acs/testing';
import { CryptoRandom } from '../adapters/crypto.random';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import { InMemoryStunCredentials } from '../adapters/stun-credentials.adapters';
import { AddressPolicy } from '../http/address.policy';
import { SystemClock } from '../ports/clock.port';
import { startStunServer, type StunService } from '../service/stun.service';
import {
  buildUdpConnectionRequest,
  parseUdpConnectionRequest,
  verifyUdpConnectionRequest,
} from './annex-g.message';
import { UdpReplayGuard, type ReplayVerdict } from './replay.guard';
import { UdpConnectionRequester } from './udp-connreq.sender';

/** The CPE's UDP listener: checks the signature and the replay rules, like Annex G asks. */
class CpeUdpListener {
  readonly seen: {
    verdict: ReplayVerdict | 'bad-signature' | 'malformed';
    from: RemoteInfo;
    id?: string;
  }[] = [];
  private readonly guard = new UdpReplayGuard();
  constructor(
    readonly socket: Socket,
    private readonly password: string,
  ) {
    socket.on('message', (m, from) => {
      try {
        const r = parseUdpConnectionRequest(m);
        if (!verifyUdpConnectionRequest(r, this.password))
          this.seen.push({ verdict: 'bad-signature', from });
        else this.seen.push({ verdict: this.guard.check(r), from, id: r.id });
      } catch {
        this.seen.push({ verdict: 'malformed', from });
      }
    });
  }
  verdicts(): string[] {
    return this.seen.map((s) => s.verdict);
  }
}

describe(UdpConnectionRequester.name, () => {
  let stunServer: StunService;
  let cpe: CpeUdpListener;
  let requester: UdpConnectionRequester;

  beforeEach(async () => {
    stunServer = await startStunServer({
      host: '127.0.0.1',
      port: 0,
      credentials: new InMemoryStunCredentials(),
      bindings: new InMemoryBindingStore(),
      clock: new SystemClock(),
    });
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.7', resolve));
    cpe = new CpeUdpListener(socket, 'cr-pass');
    requester = new UdpConnectionRequester({
      sender: stunServer,
      clock: new SystemClock(),
      random: new CryptoRandom(),
      policy: new AddressPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
      copies: 3,
      gapMs: 20,
    });
  });
  afterEach(async () => {
    cpe.socket.close();
    await stunServer.stop();
  });

  const task = () => ({
    target: { address: '127.0.0.7', port: cpe.socket.address().port },
    hostPort: `127.0.0.7:${cpe.socket.address().port}`,
    username: 'cr-user',
    password: 'cr-pass',
  });

  it('sends signed copies from the STUN socket; the CPE acts on the first and drops the repeats', async () => {
    expect(await requester.request(task())).toMatchObject({ kind: 'sent' });
    await expectEventually(() => cpe.seen.length === 3);
    expect(cpe.verdicts()).toEqual(['fresh', 'repeat', 'repeat']);
    expect(cpe.seen.every((s) => s.from.port === stunServer.port)).toBe(true);
  });

  it('gives every request a fresh id, so the next wake-up is accepted again', async () => {
    await requester.request(task());
    await expectEventually(() => cpe.seen.length === 3);
    await requester.request(task());
    await expectEventually(() => cpe.seen.length === 6);
    expect(cpe.verdicts().filter((v) => v === 'fresh')).toHaveLength(2);
    expect(new Set(cpe.seen.map((s) => s.id)).size).toBe(2);
  });

  it('is refused by the CPE when signed with the wrong password or replayed with an old ts', async () => {
    const send = (b: Buffer) => stunServer.sendFrom('127.0.0.7', cpe.socket.address().port, b);
    const base = { hostPort: 'h:1', un: 'cr-user', cn: 'c' };
    await send(
      buildUdpConnectionRequest({ ...base, ts: 2_000_000_000, id: 'new', password: 'cr-pass' }),
    );
    await send(
      buildUdpConnectionRequest({ ...base, ts: 1_000_000_000, id: 'old', password: 'cr-pass' }),
    );
    await send(
      buildUdpConnectionRequest({ ...base, ts: 2_000_000_001, id: 'forged', password: 'guess' }),
    );
    await expectEventually(() => cpe.seen.length === 3);
    expect(cpe.verdicts()).toEqual(['fresh', 'stale', 'bad-signature']);
  });

  it('refuses a target outside the address policy without sending', async () => {
    const strict = new UdpConnectionRequester({
      sender: stunServer,
      clock: new SystemClock(),
      random: new CryptoRandom(),
      policy: new AddressPolicy(),
    });
    expect(await strict.request(task())).toMatchObject({ kind: 'denied' });
  });
});
