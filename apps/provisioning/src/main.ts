import 'reflect-metadata';
import { initAppTelemetry } from '@acs/telemetry';
import { PROVISIONING_VERSION, loadProvisioningAppConfig } from './provisioning.config';
import { createProvisioningModule } from './provisioning.module';

// The scaled-out provisioning service: a Nest application context around one Kafka consumer
// group member. SIGTERM stops consuming (handled offsets are committed) before exit.
async function main(): Promise<void> {
  const config = loadProvisioningAppConfig();
  // First: spans and instruments created from here on go to this SDK; /metrics on METRICS_PORT.
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'provisioning',
    serviceVersion: PROVISIONING_VERSION,
  });
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createProvisioningModule(config), {
    logger: ['error', 'warn'],
  });
  await app.init();
  // Nest's own shutdown hooks would exit before the last spans are flushed: stop consuming, close
  // the adapters (Nest hooks), then flush telemetry.
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
