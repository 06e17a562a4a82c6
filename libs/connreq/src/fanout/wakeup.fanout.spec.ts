import { expectEventually } from '@acs/testing';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import { InMemoryDeviceContactDirectory } from '../adapters/device-contact.memory';
import type { AttemptOutcome } from '../ports/attempt.outcome';
import { WAKEUP_SCHEMA_V1, type ConnreqResult, type WakeupCommand } from '../schema/wakeup.schema';
import { FakeClock, FixedRandom } from '../testing/fake-clock';
import { DEFAULT_FANOUT_LIMITS, type FanoutLimits, type Requesters } from './fanout.types';
import { WakeupFanout } from './wakeup.fanout';

const http = { url: 'http://127.0.0.1:1/cr', username: 'u', password: 'p' };
const udp = { address: '127.0.0.1:5000', username: 'u', password: 'p' };

function cmd(deviceId: string, extra: Partial<WakeupCommand> = {}): WakeupCommand {
  return { schema: WAKEUP_SCHEMA_V1, deviceId, requestedAt: new Date(0).toISOString(), ...extra };
}

/** A requester whose calls stay open until released, recording what it saw. */
class Gate {
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private waiting: ((o: AttemptOutcome) => void)[] = [];
  constructor(private readonly script: (n: number) => AttemptOutcome | 'hold') {}
  request = (what: string): Promise<AttemptOutcome> => {
    this.calls.push(what);
    const r = this.script(this.calls.length);
    if (r !== 'hold') return Promise.resolve(r);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => this.waiting.push(resolve));
  };
  releaseAll(o: AttemptOutcome = { kind: 'accepted' }): void {
    for (const w of this.waiting.splice(0)) {
      this.inFlight--;
      w(o);
    }
  }
  get held(): number {
    return this.waiting.length;
  }
}

function setup(
  requesters: Requesters,
  limits: Partial<FanoutLimits> = {},
  directory = new InMemoryDeviceContactDirectory(),
) {
  const results: ConnreqResult[] = [];
  const fanout = new WakeupFanout({
    directory,
    bindings: new InMemoryBindingStore(),
    requesters,
    sink: { publish: (r) => Promise.resolve(void results.push(r)) },
    clock: new FakeClock(),
    random: new FixedRandom(),
    limits: { ...DEFAULT_FANOUT_LIMITS, ...limits },
  });
  return { directory, results, fanout };
}

describe(WakeupFanout.name, () => {
  it('merges wake-ups for a device with one pending into a single request', async () => {
    const gate = new Gate(() => 'hold');
    const { fanout, results, directory } = setup({ http: { request: (i) => gate.request(i.url) } });
    await directory.put({ deviceId: 'd1', http });
    for (let i = 0; i < 10; i++) await fanout.submit(cmd('d1'));
    await expectEventually(() => gate.held === 1);
    await fanout.submit(cmd('d1'));
    gate.releaseAll();
    await fanout.idle();
    expect(gate.calls).toHaveLength(1);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      deviceId: 'd1',
      outcome: 'accepted',
      method: 'http',
      coalesced: 10,
    });
  });

  it('starts a new request for a device once its previous one finished', async () => {
    const gate = new Gate(() => ({ kind: 'accepted' }));
    const { fanout, results } = setup({ http: { request: (i) => gate.request(i.url) } });
    await fanout.submit(cmd('d1', { contact: { deviceId: 'd1', http } }));
    await fanout.idle();
    await fanout.submit(cmd('d1', { contact: { deviceId: 'd1', http } }));
    await fanout.idle();
    expect(results.map((r) => r.coalesced)).toEqual([0, 0]);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const gate = new Gate(() => 'hold');
    const { fanout, results } = setup(
      { http: { request: (i) => gate.request(i.url) } },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++)
      await fanout.submit(cmd(`d${i}`, { contact: { deviceId: `d${i}`, http } }));
    await expectEventually(() => gate.held === 3);
    while (results.length < 10) {
      gate.releaseAll();
      await new Promise((r) => setImmediate(r));
    }
    expect(gate.maxInFlight).toBe(3);
  });

  it('makes submit wait while maxPending devices are pending (back-pressure)', async () => {
    const gate = new Gate(() => 'hold');
    const { fanout } = setup({ http: { request: (i) => gate.request(i.url) } }, { maxPending: 2 });
    await fanout.submit(cmd('a', { contact: { deviceId: 'a', http } }));
    await fanout.submit(cmd('b', { contact: { deviceId: 'b', http } }));
    let admitted = false;
    const third = fanout.submit(cmd('c', { contact: { deviceId: 'c', http } })).then(() => {
      admitted = true;
    });
    await expectEventually(() => gate.held === 2);
    expect(admitted).toBe(false);
    expect(fanout.pendingDevices).toBe(2);
    gate.releaseAll();
    await third;
    expect(admitted).toBe(true);
    await expectEventually(() => gate.held === 1);
    gate.releaseAll();
    await fanout.idle();
  });

  it('retries a busy CPE with backoff and reports the accepted attempt', async () => {
    const gate = new Gate((n) =>
      n < 3 ? { kind: 'busy', detail: 'HTTP 503' } : { kind: 'accepted' },
    );
    const { fanout, results } = setup({ http: { request: (i) => gate.request(i.url) } });
    await fanout.submit(cmd('d', { contact: { deviceId: 'd', http } }));
    await fanout.idle();
    expect(results[0]?.attempts.map((a) => a.outcome)).toEqual(['busy', 'busy', 'accepted']);
    expect(results[0]?.outcome).toBe('accepted');
  });

  it('falls back to UDP after wrong HTTP credentials, without retrying them, and records the fault', async () => {
    const h = new Gate(() => ({ kind: 'auth-failed', detail: 'HTTP 401 after credentials' }));
    const u = new Gate(() => ({ kind: 'sent' }));
    const { fanout, results, directory } = setup({
      http: { request: (i) => h.request(i.url) },
      udp: { request: (t) => u.request(`${t.target.address}:${t.target.port}`) },
    });
    await directory.put({ deviceId: 'd', http, udp });
    await fanout.submit(cmd('d'));
    await fanout.idle();
    expect(h.calls).toHaveLength(1);
    expect(u.calls).toEqual(['127.0.0.1:5000']);
    expect(results[0]).toMatchObject({ outcome: 'sent', method: 'udp' });
    const status = await directory.status('d');
    expect(status?.lastMethod).toBe('udp');
    expect(status?.credentialsFault?.method).toBe('http');
    expect((await directory.get('d'))?.lastMethod).toBe('udp');
  });

  it('reports no-method for a device nothing is known about', async () => {
    const { fanout, results } = setup({
      http: { request: () => Promise.resolve({ kind: 'accepted' }) },
    });
    await fanout.submit(cmd('ghost'));
    await fanout.idle();
    expect(results[0]).toMatchObject({
      deviceId: 'ghost',
      outcome: 'no-method',
      detail: 'no contact data for the device',
      attempts: [],
    });
  });

  it('gives up with expired once expiresAt has passed', async () => {
    const gate = new Gate(() => ({ kind: 'busy' }));
    const { fanout, results } = setup({ http: { request: (i) => gate.request(i.url) } });
    await fanout.submit(
      cmd('d', {
        contact: { deviceId: 'd', http },
        expiresAt: new Date(1_700_000_000_500).toISOString(),
      }),
    );
    await fanout.idle();
    expect(results[0]?.outcome).toBe('expired');
  });

  it('turns a failing directory into an error result instead of a stuck device', async () => {
    class FailingDirectory extends InMemoryDeviceContactDirectory {
      override get(): Promise<never> {
        return Promise.reject(new Error('store down'));
      }
    }
    const ok = (): Promise<AttemptOutcome> => Promise.resolve({ kind: 'accepted' });
    const { fanout, results } = setup({ http: { request: ok } }, {}, new FailingDirectory());
    await fanout.submit(cmd('d'));
    await fanout.idle();
    expect(results[0]).toMatchObject({ outcome: 'error' });
    expect(results[0]?.detail).toMatch(/store down/);
    expect(results[0]?.attempts).toEqual([]);
    expect(fanout.pendingDevices).toBe(0);
  });
});
