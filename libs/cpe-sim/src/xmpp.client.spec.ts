import { SimHarness } from './testing/sim-harness';
import { xmppVerdict } from './xmpp.client';

describe(xmppVerdict.name, () => {
  it('accepts the right credentials once, then refuses within the rate limit; refuses wrong ones', async () => {
    const h = new SimHarness();
    const cpe = h.device({ crPassword: 'pw', crMinIntervalMs: 10_000 });
    h.fleet.boot(cpe);
    await h.settle();
    expect(xmppVerdict(cpe, h.fleet, cpe.crUsername, 'nope')).toBe('not-authorized');
    expect(xmppVerdict(cpe, h.fleet, 'someone', 'pw')).toBe('not-authorized');
    expect(xmppVerdict(cpe, h.fleet, cpe.crUsername, 'pw')).toBe('accepted');
    expect(xmppVerdict(cpe, h.fleet, cpe.crUsername, 'pw')).toBe('service-unavailable');
    await h.settle();
    expect(h.informEvents(cpe).at(-1)).toEqual(['6 CONNECTION REQUEST']);
  });
});
