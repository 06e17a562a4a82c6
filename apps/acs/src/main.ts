import 'reflect-metadata';
import { initAppTelemetry } from '@acs/telemetry';
import { ACS_VERSION, loadAcsConfig } from './acs.config';
import { createAcsModule } from './acs.module';

// `npm start`: the whole ACS in one process (labs, small fleets). SIGTERM drains open sessions.
async function main(): Promise<void> {
  const config = loadAcsConfig();
  // First, once for every module of the process: spans and instruments created from here on go
  // to this SDK; /metrics on METRICS_PORT.
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'acs',
    serviceVersion: ACS_VERSION,
  });
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createAcsModule(config), {
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
