import 'reflect-metadata';
import { initAppTelemetry } from '@acs/telemetry';
import { CWMP_GATEWAY_VERSION, loadCwmpGatewayAppConfig } from './cwmp-gateway.config';
import { createCwmpGatewayModule } from './cwmp-gateway.module';

// The scaled-out CWMP gateway: a Nest application context (no Nest HTTP adapter; the CWMP hot
// path is plain node:http inside @acs/gateway). SIGTERM drains open sessions before exit.
async function main(): Promise<void> {
  const config = loadCwmpGatewayAppConfig();
  // First: spans and instruments created from here on go to this SDK; /metrics on METRICS_PORT.
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'cwmp-gateway',
    serviceVersion: CWMP_GATEWAY_VERSION,
  });
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createCwmpGatewayModule(config), {
    logger: ['error', 'warn'],
  });
  await app.init();
  // Nest's own shutdown hooks would exit before the last spans are flushed: drain, close the
  // adapters (Nest hooks), then flush telemetry.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.stderr.write(`${signal}: shutting down\n`);
  await app.close();
  await telemetry.shutdown();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
