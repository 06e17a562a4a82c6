import { CpeTestClient } from '@acs/gateway';
import type { CwmpEvent, InboxEntry } from '@acs/events';
import { expectEventually } from '@acs/testing';
import { FakeProvisioning, isolation, startPod, stopPod } from './support/e2e.harness';
import { RoundRobinProxy } from './support/round-robin.proxy';
import type { GatewayRuntime } from '../src/gateway.runtime';

const sessionOf = (cookie: string | undefined): string | undefined => cookie?.split('=')[1];

// Two gateway pods behind a proxy that alternates every HTTP request between them.
describe('two gateway pods behind a round-robin proxy (Kafka + Redis)', () => {
  const iso = isolation('gw-cluster');
  let pods: { runtime: GatewayRuntime; url: string }[] = [];
  let proxy: RoundRobinProxy;
  let proxyUrl: string;
  let provisioning: FakeProvisioning;
  const clients: CpeTestClient[] = [];
  const plan = (event: CwmpEvent): InboxEntry[] => {
    if (event.schema !== 'cwmp.inform.v1') return [];
    // KILL devices: provisioning stays silent, so the empty POST is pending when the pod dies.
    if (event.deviceId.includes('KILL') && event.inform.retryCount === 0) return [];
    return [{ kind: 'done' }];
  };

  beforeAll(async () => {
    provisioning = new FakeProvisioning(iso, plan);
    await provisioning.start();
    const env = {
      GATEWAY_PROVISIONING: 'inbox',
      GATEWAY_INBOX_WAIT_MS: '20000',
      GATEWAY_SESSION_TIMEOUT_MS: '30000',
      GATEWAY_RETRY_AFTER_S: '1',
    };
    pods = [await startPod(iso, env), await startPod(iso, env)];
    proxy = new RoundRobinProxy(pods.map((p) => p.url));
    proxyUrl = await proxy.listen();
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy.close();
    for (const p of pods) await stopPod(p.runtime).catch(() => undefined);
    await provisioning.stop();
  }, 60_000);

  const cpe = (url: string, serial: string): CpeTestClient => {
    const c = new CpeTestClient({
      url,
      root: 'Device',
      identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'RR', serialNumber: serial },
    });
    clients.push(c);
    return c;
  };

  it('completes 1,000 sessions with no error and never two sessions of one device at once', async () => {
    const devices = 100;
    const sessionsPerDevice = 10;
    const accepted: string[] = [];
    const unexpected: string[] = [];
    let refusedBusy = 0;
    // Two CPEs per device for the first 20 devices: they compete for the device's lock.
    const runner = async (serial: string, sessions: number): Promise<void> => {
      const c = cpe(proxyUrl, serial);
      for (let done = 0, attempts = 0; done < sessions && attempts < sessions * 50; attempts++) {
        const inform = await c.send(c.informMessage(['2 PERIODIC']));
        if (inform.status === 503) {
          refusedBusy++;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
          continue;
        }
        if (inform.status !== 200 || inform.envelope?.body.type !== 'InformResponse') {
          unexpected.push(`${serial} inform ${inform.status}`);
          return;
        }
        accepted.push(sessionOf(c.sessionCookie) ?? '?');
        const end = await c.send(null);
        if (end.status !== 204) unexpected.push(`${serial} empty POST ${end.status}`);
        done++;
      }
    };
    const work: Promise<void>[] = [];
    for (let d = 0; d < devices; d++) {
      const serial = `D${d}`;
      if (d < 20)
        work.push(runner(serial, sessionsPerDevice / 2), runner(serial, sessionsPerDevice / 2));
      else work.push(runner(serial, sessionsPerDevice));
    }
    await Promise.all(work);
    expect(unexpected).toEqual([]);
    expect(accepted).toHaveLength(devices * sessionsPerDevice);
    expect(proxy.served.every((n) => n > 1000)).toBe(true);

    // Every accepted InformResponse has its Inform on Kafka exactly once.
    await expectEventually(
      () =>
        expect(provisioning.of('cwmp.session.v1').filter((e) => e.kind === 'ended')).toHaveLength(
          1000,
        ),
      60_000,
    );
    const informs = new Map<string, number>();
    for (const e of provisioning.of('cwmp.inform.v1'))
      informs.set(e.sessionId, (informs.get(e.sessionId) ?? 0) + 1);
    expect(accepted.filter((sid) => informs.get(sid) !== 1)).toEqual([]);

    // Per device (one partition, in order): started, ended, started, ended… never two open.
    const perDevice = new Map<string, string[]>();
    for (const e of provisioning.of('cwmp.session.v1'))
      perDevice.set(e.deviceId, [...(perDevice.get(e.deviceId) ?? []), e.kind]);
    for (const [device, kinds] of perDevice) {
      const overlapping = kinds.some((k, i) => k !== (i % 2 === 0 ? 'started' : 'ended'));
      expect({ device, overlapping }).toEqual({ device, overlapping: false });
    }
    // The contention was real: the lock turned concurrent Informs away.
    expect(refusedBusy).toBeGreaterThan(0);
  }, 240_000);

  it('a CPE whose pod is killed mid-session retries on the other pod, and no Inform is lost', async () => {
    const victim = pods[0] as { runtime: GatewayRuntime; url: string };
    const c = cpe(victim.url, 'KILL1');
    const first = await c.send(c.informMessage(['1 BOOT']));
    expect(first.status).toBe(200);
    const firstSession = sessionOf(c.sessionCookie);
    // The empty POST waits on the inbox; the pod dies under it.
    const pending = c.send(null).then(
      (r) => `answered ${r.status}`,
      () => 'connection lost',
    );
    await expectEventually(() => victim.runtime.gateway.requestsInFlight === 1);
    await stopPod(victim.runtime);
    expect(await pending).toBe('connection lost');

    // TR-069 3.2.1.1: the CPE retries the session (new Inform, RetryCount 1) through the proxy,
    // which fails over to the surviving pod; the session carries on there.
    const retry = new CpeTestClient({ ...c.options, url: proxyUrl });
    clients.push(retry);
    const again = await retry.send(retry.informMessage(['1 BOOT'], [], 1), {
      cookie: `acs_session=${firstSession}`,
    });
    expect(again.status).toBe(200);
    expect((await retry.send(null)).status).toBe(204);

    const id = '00D09E-RR-KILL1';
    await expectEventually(
      () => expect(provisioning.of('cwmp.inform.v1', id)).toHaveLength(2),
      30_000,
    );
    expect(provisioning.of('cwmp.inform.v1', id).map((e) => e.inform.retryCount)).toEqual([0, 1]);
    expect(provisioning.of('cwmp.inform.v1', id).map((e) => e.sessionId)).toEqual([
      firstSession,
      sessionOf(retry.sessionCookie) ?? expect.any(String),
    ]);
    await expectEventually(
      () =>
        expect(
          provisioning
            .of('cwmp.session.v1', id)
            .map((e) => (e.kind === 'ended' ? e.reason : e.kind)),
        ).toEqual(['started', 'superseded', 'started', 'completed']),
      30_000,
    );
  }, 120_000);

  it('a CPE that lost its cookie with the killed pod gets 503 + Retry-After until the lock expires, then its session', async () => {
    const env = {
      GATEWAY_PROVISIONING: 'none',
      GATEWAY_SESSION_TIMEOUT_MS: '2000',
      GATEWAY_INBOX_WAIT_MS: '1000',
      GATEWAY_RETRY_AFTER_S: '1',
    };
    const a = await startPod(iso, env);
    const b = await startPod(iso, env);
    try {
      const c = cpe(a.url, 'KILL2');
      expect((await c.send(c.informMessage(['2 PERIODIC']))).status).toBe(200);
      await stopPod(a.runtime);
      const retry = cpe(b.url, 'KILL2');
      const statuses: number[] = [];
      // Bounded: the lock TTL is 2 s; the CPE retries every ~200 ms (faster than Retry-After, to see it).
      for (let i = 0; i < 100 && statuses.at(-1) !== 200; i++) {
        const r = await retry.send(retry.informMessage(['2 PERIODIC'], [], 1));
        statuses.push(r.status);
        if (r.status === 503) {
          expect(r.headers['retry-after']).toBe('1');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      expect(statuses[0]).toBe(503);
      expect(statuses.at(-1)).toBe(200);
      expect(new Set(statuses)).toEqual(new Set([503, 200]));
      expect((await retry.send(null)).status).toBe(204);
      const id = '00D09E-RR-KILL2';
      await expectEventually(
        () => expect(provisioning.of('cwmp.inform.v1', id)).toHaveLength(2),
        30_000,
      );
    } finally {
      await stopPod(b.runtime);
    }
  }, 60_000);
});
