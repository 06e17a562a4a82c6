import 'reflect-metadata';
import { initAppTelemetry } from '@acs/telemetry';
import { NBI_VERSION, loadNbiAppConfig } from './nbi-app.config';
import { createNbiModule } from './nbi.module';

// The northbound gRPC API for OSS/BSS (docs/nbi.md). Stateless: scale out behind a gRPC-aware
// load balancer (grpc.health.v1 for probes). SIGTERM lets running calls finish, then exits.
async function main(): Promise<void> {
  const config = loadNbiAppConfig();
  const telemetry = await initAppTelemetry(config.telemetry, {
    serviceName: 'nbi',
    serviceVersion: NBI_VERSION,
  });
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createNbiModule(config), {
    logger: ['error', 'warn'],
  });
  await app.init();
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
