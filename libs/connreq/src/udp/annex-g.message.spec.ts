import { createHmac } from 'node:crypto';
import {
  annexGSignature,
  buildUdpConnectionRequest,
  parseUdpConnectionRequest,
  verifyUdpConnectionRequest,
} from './annex-g.message';
import { UdpReplayGuard } from './replay.guard';
import { UdpMessageSource } from './udp-message.source';
import { FakeClock, FixedRandom } from '../testing/fake-clock';
import { ConnreqError, ConnreqErrorCode } from '../connreq.error';

const fields = { ts: 1120673700, id: '1234', un: 'CPE57689', cn: 'XTGRWIPC6D3IPXS3' };

describe('Annex G UDP connection request', () => {
  it('signs ts‖id‖un‖cn with HMAC-SHA1 keyed by the CR password (G.2.2)', () => {
    const want = createHmac('sha1', 'pw')
      .update('1120673700' + '1234' + 'CPE57689' + 'XTGRWIPC6D3IPXS3')
      .digest('hex');
    expect(annexGSignature(fields, 'pw')).toBe(want);
  });

  it('builds the request line and Host header the CPE expects', () => {
    const d = buildUdpConnectionRequest({
      ...fields,
      hostPort: '10.1.1.1:5060',
      password: 'pw',
    }).toString();
    expect(d).toBe(
      `GET http://10.1.1.1:5060?ts=1120673700&id=1234&un=CPE57689&cn=XTGRWIPC6D3IPXS3&sig=${annexGSignature(fields, 'pw')} HTTP/1.1\r\nHost: 10.1.1.1:5060\r\n\r\n`,
    );
  });

  it('round-trips through the CPE-side parser and verifies, with either hex case', () => {
    const d = buildUdpConnectionRequest({
      ...fields,
      un: 'user with&chars',
      hostPort: '[::1]:7547',
      password: 'pw',
    });
    const p = parseUdpConnectionRequest(d);
    expect(p).toMatchObject({ ...fields, un: 'user with&chars', host: '[::1]:7547' });
    expect(verifyUdpConnectionRequest(p, 'pw')).toBe(true);
    expect(verifyUdpConnectionRequest({ ...p, sig: p.sig.toUpperCase() }, 'pw')).toBe(true);
    expect(verifyUdpConnectionRequest(p, 'wrong')).toBe(false);
  });

  it.each([
    ['a changed ts', { ts: fields.ts + 1 }],
    ['a changed id', { id: '1235' }],
    ['a changed username', { un: 'CPE57680' }],
    ['a changed cnonce', { cn: 'X' }],
  ])('refuses the signature after %s', (_n, change) => {
    const p = parseUdpConnectionRequest(
      buildUdpConnectionRequest({ ...fields, hostPort: 'h:1', password: 'pw' }),
    );
    expect(verifyUdpConnectionRequest({ ...p, ...change }, 'pw')).toBe(false);
  });

  it.each([
    ['not HTTP', 'hello'],
    ['POST', 'POST http://h:1?ts=1&id=1&un=u&cn=c&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n'],
    ['missing sig', 'GET http://h:1?ts=1&id=1&un=u&cn=c HTTP/1.1\r\n\r\n'],
    ['short sig', 'GET http://h:1?ts=1&id=1&un=u&cn=c&sig=abc HTTP/1.1\r\n\r\n'],
    [
      'non-numeric ts',
      'GET http://h:1?ts=x&id=1&un=u&cn=c&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n',
    ],
    [
      'duplicate id',
      'GET http://h:1?ts=1&id=1&id=2&un=u&cn=c&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n',
    ],
    [
      'bad escape',
      'GET http://h:1?ts=1&id=%zz&un=u&cn=c&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n',
    ],
    ['oversized', 'GET http://h:1?' + 'a'.repeat(2000) + ' HTTP/1.1\r\n\r\n'],
  ])('refuses a malformed datagram: %s', (_n, text) => {
    let err: unknown;
    try {
      parseUdpConnectionRequest(Buffer.from(text));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnreqError);
    expect((err as ConnreqError).code).toBe(ConnreqErrorCode.Malformed);
  });
});

describe(UdpReplayGuard.name, () => {
  it.each([
    ['accepts the first request', [[10, 'a']], ['fresh']],
    [
      'drops the copies of one request',
      [
        [10, 'a'],
        [10, 'a'],
        [10, 'a'],
      ],
      ['fresh', 'repeat', 'repeat'],
    ],
    [
      'accepts a new id with the same ts',
      [
        [10, 'a'],
        [10, 'b'],
      ],
      ['fresh', 'fresh'],
    ],
    [
      'drops an older ts',
      [
        [10, 'a'],
        [9, 'b'],
      ],
      ['fresh', 'stale'],
    ],
    [
      'accepts a newer ts and then drops the older id',
      [
        [10, 'a'],
        [11, 'b'],
        [10, 'a'],
      ],
      ['fresh', 'fresh', 'stale'],
    ],
  ] as const)('%s', (_n, seq, verdicts) => {
    const g = new UdpReplayGuard();
    expect(seq.map(([ts, id]) => g.check({ ts, id }))).toEqual(verdicts);
  });
});

describe(UdpMessageSource.name, () => {
  it('issues fresh ids and a ts that never goes backwards when the clock does', () => {
    const clock = new FakeClock(2_000_000);
    const s = new UdpMessageSource(clock, new FixedRandom());
    const a = s.next();
    clock.t = 1_000_000;
    const b = s.next();
    expect(b.ts).toBe(a.ts);
    expect(b.id).not.toBe(a.id);
    expect(b.cn).not.toBe(a.cn);
    const g = new UdpReplayGuard();
    expect([g.check(a), g.check(b)]).toEqual(['fresh', 'fresh']);
  });
});
