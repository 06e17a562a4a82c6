import 'reflect-metadata';
import { loadCwmpGatewayAppConfig } from './cwmp-gateway.config';
import { createCwmpGatewayModule } from './cwmp-gateway.module';

// The scaled-out CWMP gateway: a Nest application context (no Nest HTTP adapter; the CWMP hot
// path is plain node:http inside @acs/gateway). SIGTERM drains open sessions before exit.
async function main(): Promise<void> {
  const config = loadCwmpGatewayAppConfig();
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(await createCwmpGatewayModule(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
