import type { ServiceDefinition } from '@grpc/grpc-js';
import { ActionsServiceService } from './generated/acs/v1/actions';
import { ApiKeysServiceService } from './generated/acs/v1/api_keys';
import { AuditServiceService } from './generated/acs/v1/audit';
import { DevicesServiceService } from './generated/acs/v1/devices';
import { FaultsServiceService } from './generated/acs/v1/faults';
import { ParametersServiceService } from './generated/acs/v1/parameters';
import { ProfilesServiceService } from './generated/acs/v1/profiles';
import { TasksServiceService } from './generated/acs/v1/tasks';

/**
 * Every service of acs.v1 by its full name, as the server registers them and the generic tests
 * (auth on every method) enumerate them. Adding a service to the .proto means adding it here.
 */
export const API_SERVICES = {
  'acs.v1.DevicesService': DevicesServiceService,
  'acs.v1.ParametersService': ParametersServiceService,
  'acs.v1.ActionsService': ActionsServiceService,
  'acs.v1.TasksService': TasksServiceService,
  'acs.v1.ProfilesService': ProfilesServiceService,
  'acs.v1.FaultsService': FaultsServiceService,
  'acs.v1.ApiKeysService': ApiKeysServiceService,
  'acs.v1.AuditService': AuditServiceService,
} as const satisfies Record<string, ServiceDefinition>;

export type ApiServiceName = keyof typeof API_SERVICES;

/** A method of the API: `/acs.v1.DevicesService/ListDevices`. */
export interface ApiMethod {
  readonly service: ApiServiceName;
  readonly method: string;
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

/** Every method of every service, from the generated service definitions. */
export function apiMethods(): ApiMethod[] {
  const out: ApiMethod[] = [];
  for (const [service, def] of Object.entries(API_SERVICES) as [
    ApiServiceName,
    ServiceDefinition,
  ][]) {
    for (const d of Object.values(def))
      out.push({
        service,
        method: d.path.slice(d.path.lastIndexOf('/') + 1),
        path: d.path,
        requestStream: d.requestStream,
        responseStream: d.responseStream,
      });
  }
  return out;
}
