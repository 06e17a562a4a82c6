import type { ProvisioningAppConfig } from './provisioning.config';
import { ProvisioningRuntime } from './provisioning.runtime';

/**
 * The Nest module of the provisioning service: one provider, the runtime. @nestjs/* 12 ships as
 * ES modules only and the workspace compiles to CommonJS, so Nest is loaded with dynamic import()
 * and the module is declared by applying the decorator function.
 */
export async function createProvisioningModule(
  config: ProvisioningAppConfig,
): Promise<new () => object> {
  const { Module } = await import('@nestjs/common');
  class ProvisioningModule {}
  Module({
    providers: [
      { provide: ProvisioningRuntime, useFactory: () => ProvisioningRuntime.create(config) },
    ],
  })(ProvisioningModule);
  return ProvisioningModule;
}
