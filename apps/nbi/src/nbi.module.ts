import type { NbiAppConfig } from './nbi-app.config';
import { NbiRuntime } from './nbi.runtime';

/** The API's Nest module (decorator applied as a function: @nestjs/* 12 is ESM-only). */
export async function createNbiModule(config: NbiAppConfig): Promise<new () => object> {
  const { Module } = await import('@nestjs/common');
  class NbiModule {}
  Module({ providers: [{ provide: NbiRuntime, useFactory: () => NbiRuntime.create(config) }] })(
    NbiModule,
  );
  return NbiModule;
}
