import 'reflect-metadata';
import { loadProvisioningAppConfig } from './provisioning.config';
import { createProvisioningModule } from './provisioning.module';

// The scaled-out provisioning service: a Nest application context around one Kafka consumer
// group member. SIGTERM stops consuming (handled offsets are committed) before exit.
async function main(): Promise<void> {
  const config = loadProvisioningAppConfig();
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createProvisioningModule(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
