import { initAppTelemetry } from '@acs/telemetry';
import {
  CONNECTION_REQUEST_VERSION,
  loadConnectionRequestAppConfig,
} from './connection-request.config';
import { startConnectionRequestApp } from './connection-request.runtime';

// connection-request: consumes acs.connreq.wakeups, wakes devices over HTTP / UDP (with the STUN
// server embedded, CONNREQ_EMBED_STUN) / XMPP, publishes acs.connreq.results. Wiring only.
async function main(): Promise<void> {
  const config = loadConnectionRequestAppConfig();
  // First: spans and instruments created from here on go to this SDK; /metrics on METRICS_PORT.
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'connection-request',
    serviceVersion: CONNECTION_REQUEST_VERSION,
  });
  const app = await startConnectionRequestApp(config);
  const { runtime } = app;
  process.stderr.write(
    `connection-request: consuming wake-ups${runtime.stun === undefined ? '' : `, STUN on ${runtime.stun.address}:${runtime.stun.port}`}${runtime.xmpp === undefined ? '' : ', XMPP enabled'}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.stop();
  await telemetry.shutdown();
}

main().catch((e: unknown) => {
  process.stderr.write(`connection-request: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
