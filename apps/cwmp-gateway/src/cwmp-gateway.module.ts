import type { CwmpGatewayAppConfig } from './cwmp-gateway.config';
import { GatewayRuntime } from './gateway.runtime';

/**
 * The Nest module of the gateway: one provider, the runtime. @nestjs/* 12 ships as ES modules only
 * and the workspace compiles to CommonJS, so Nest is loaded with dynamic import() and the module
 * is declared by applying the decorator function instead of decorator syntax.
 */
export async function createCwmpGatewayModule(
  config: CwmpGatewayAppConfig,
): Promise<new () => object> {
  const { Module } = await import('@nestjs/common');
  class CwmpGatewayModule {}
  Module({
    providers: [{ provide: GatewayRuntime, useFactory: () => GatewayRuntime.create(config) }],
  })(CwmpGatewayModule);
  return CwmpGatewayModule;
}
