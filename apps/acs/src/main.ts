import 'reflect-metadata';
import { loadAcsConfig } from './acs.config';
import { createAcsModule } from './acs.module';

// `npm start`: the whole ACS in one process (labs, small fleets). SIGTERM drains open sessions.
async function main(): Promise<void> {
  const config = loadAcsConfig();
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createAcsModule(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
