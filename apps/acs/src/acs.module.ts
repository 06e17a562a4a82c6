import type { AcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

/** The all-in-one Nest module (decorator applied as a function: @nestjs/* 12 is ESM-only). */
export async function createAcsModule(config: AcsConfig): Promise<new () => object> {
  const { Module } = await import('@nestjs/common');
  class AcsModule {}
  Module({ providers: [{ provide: AcsRuntime, useFactory: () => AcsRuntime.create(config) }] })(
    AcsModule,
  );
  return AcsModule;
}
