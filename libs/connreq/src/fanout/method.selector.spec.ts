import { chooseMethods } from './method.selector';
import type { ConnreqMethod, DeviceContact } from '../schema/wakeup.schema';

const all = new Set<ConnreqMethod>(['http', 'udp', 'xmpp']);
const http = { url: 'http://127.0.0.1:1/', username: 'u', password: 'p' };
const udp = { username: 'u', password: 'p' };
const xmpp = { jid: 'cpe-1@acs.local/cwmp', username: 'u', password: 'p' };
const binding = {
  deviceId: 'd',
  address: '127.0.0.1',
  port: 1,
  updatedAt: 0,
  natDetected: true,
  changed: false,
};
const c = (x: Partial<DeviceContact>): DeviceContact => ({ deviceId: 'd', ...x });

describe('chooseMethods', () => {
  it.each([
    ['nothing known', undefined, undefined, undefined, all, []],
    ['HTTP only', c({ http }), undefined, undefined, all, ['http']],
    ['UDP without a binding or address', c({ udp }), undefined, undefined, all, []],
    ['UDP with a STUN binding', c({ udp }), binding, undefined, all, ['udp']],
    [
      'UDP with a reported address',
      c({ udp: { ...udp, address: '127.0.0.1:5000' } }),
      undefined,
      undefined,
      all,
      ['udp'],
    ],
    [
      'all three, no history',
      c({ http, udp, xmpp }),
      binding,
      undefined,
      all,
      ['xmpp', 'http', 'udp'],
    ],
    [
      'all three, UDP worked last',
      c({ http, udp, xmpp, lastMethod: 'udp' }),
      binding,
      undefined,
      all,
      ['udp', 'xmpp', 'http'],
    ],
    [
      'restricted by the command',
      c({ http, udp, xmpp }),
      binding,
      ['udp', 'http'],
      all,
      ['http', 'udp'],
    ],
    [
      'XMPP not offered by the deployment',
      c({ http, xmpp }),
      undefined,
      undefined,
      new Set<ConnreqMethod>(['http', 'udp']),
      ['http'],
    ],
  ] as const)('%s', (_n, contact, b, requested, available, want) => {
    expect(
      chooseMethods({
        contact,
        binding: b,
        available,
        ...(requested === undefined ? {} : { requested }),
      }),
    ).toEqual(want);
  });
});
