import { initAppTelemetry } from '@acs/telemetry';
import { STUN_VERSION, loadStunAppConfig } from './stun.config';
import { startStunApp } from './stun.runtime';

// stun: the TR-111 STUN server alone (UDP STUN_PORT, default 3478); learned bindings go to Redis,
// where the connection-request service reads them. Wiring only.
async function main(): Promise<void> {
  const config = loadStunAppConfig();
  // First: instruments created from here on go to this SDK; /metrics on METRICS_PORT.
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'stun',
    serviceVersion: STUN_VERSION,
  });
  const app = await startStunApp(config);
  process.stderr.write(`stun: listening on ${app.stun.address}:${app.stun.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.stop();
  process.stderr.write(`stun: ${JSON.stringify(app.stun.counters)}\n`);
  await telemetry.shutdown();
}

main().catch((e: unknown) => {
  process.stderr.write(`stun: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
