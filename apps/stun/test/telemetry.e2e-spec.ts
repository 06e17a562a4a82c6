import { createSocket } from 'node:dgram';
import { loadInfraConfig } from '@acs/config';
import { buildBindingRequest, decodeStunMessage } from '@acs/stun';
import {
  METRICS,
  initAppTelemetry,
  missingFromScrape,
  telemetryConfigSchema,
  type TelemetryHandle,
} from '@acs/telemetry';
import { expectEventually, uniqueName } from '@acs/testing';
import { STUN_VERSION, loadStunAppConfig } from '../src/stun.config';
import { startStunApp, type StunApp } from '../src/stun.runtime';

// Issue 9 acceptance, STUN side: the stun app's runtime (its own wiring, Redis bindings and
// FerretDB credentials) answers Binding Requests; /metrics then shows acs.stun.bindings by
// outcome and the store latency.

jest.setTimeout(60_000);

describe('stun telemetry (Redis + FerretDB)', () => {
  const id = uniqueName('stun-telemetry');
  let telemetry: TelemetryHandle;
  let app: StunApp;

  beforeAll(async () => {
    const { REDIS_URL, MONGODB_URI } = loadInfraConfig();
    // What main.ts does, with an ephemeral loopback /metrics port.
    telemetry = await initAppTelemetry(
      telemetryConfigSchema.parse({}),
      { serviceName: 'stun', serviceVersion: STUN_VERSION },
      { metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    app = await startStunApp(
      loadStunAppConfig({
        REDIS_URL,
        MONGODB_URI,
        ACS_REDIS_PREFIX: `${id}:`,
        ACS_DATABASE: id.replace(/[^A-Za-z0-9_]/g, '_'),
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        STUN_REQUIRE_AUTH: 'false',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await app.stop();
    await telemetry.shutdown();
  });

  it('counts Binding Requests by outcome on /metrics', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      for (const n of [1, 2]) {
        const answered = new Promise<Buffer>((resolve) => udp.once('message', resolve));
        const request = buildBindingRequest({ transactionId: Buffer.alloc(12, n) });
        udp.send(request, app.stun.port, '127.0.0.1');
        expect(decodeStunMessage(await answered).cls).toBe('success');
      }
      // A USERNAME the store does not know: looked up in FerretDB, answered 401 (invalid).
      const refused = new Promise<Buffer>((resolve) => udp.once('message', resolve));
      const unknown = buildBindingRequest({
        transactionId: Buffer.alloc(12, 3),
        username: 'nobody',
      });
      udp.send(unknown, app.stun.port, '127.0.0.1');
      expect(decodeStunMessage(await refused).cls).toBe('error');
      // Not STUN: dropped, counted as invalid.
      udp.send(Buffer.from('garbage'), app.stun.port, '127.0.0.1');
      await expectEventually(() => expect(app.stun.counters.dropped).toBe(1));
    } finally {
      udp.close();
    }
    const address = telemetry.metricsAddress;
    if (address === undefined) throw new Error('no /metrics server');
    const body = await (await fetch(`http://${address.host}:${address.port}/metrics`)).text();
    expect(missingFromScrape(body, [METRICS.stunBindings, METRICS.dbOperationDuration])).toEqual(
      [],
    );
    expect(body).toMatch(/acs_stun_bindings_total\{outcome="ok"\} 2/);
    expect(body).toMatch(/acs_stun_bindings_total\{outcome="invalid"\} 2/);
    expect(body).toMatch(/acs_stun_bindings_total\{outcome="error"\} 0/);
    expect(body).toMatch(/db_client_operation_duration_count\{[^}]*db_system_name="mongodb"/);
  });
});
