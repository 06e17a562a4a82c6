import type { API_SERVICES, ApiServiceName } from '@acs/proto';

/** Roles in increasing power; each includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type NbiRole = (typeof ROLES)[number];

export function roleAllows(held: NbiRole, required: NbiRole): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

type MethodTable = {
  readonly [S in ApiServiceName]: { readonly [M in keyof (typeof API_SERVICES)[S]]: NbiRole };
};

/**
 * THE table of who may call what: the minimum role per method. The authorization interceptor
 * (nbi.server) consults only this; its type makes a method added to the .proto a compile error
 * until it has a row. viewer reads; operator changes devices (values, tags, tasks, actions,
 * faults); admin changes what applies to the fleet (profiles), forgets devices, manages keys and
 * reads the audit trail.
 */
export const METHOD_ROLES: MethodTable = {
  'acs.v1.DevicesService': {
    listDevices: 'viewer',
    getDevice: 'viewer',
    watchDevices: 'viewer',
    addTags: 'operator',
    removeTags: 'operator',
    deleteDevice: 'admin',
  },
  'acs.v1.ParametersService': {
    getParameters: 'viewer',
    setParameters: 'operator',
    addObject: 'operator',
    deleteObject: 'operator',
  },
  'acs.v1.ActionsService': {
    reboot: 'operator',
    factoryReset: 'operator',
    download: 'operator',
    upload: 'operator',
    scheduleInform: 'operator',
    refresh: 'operator',
    wakeUp: 'operator',
  },
  'acs.v1.TasksService': {
    createTask: 'operator',
    getTask: 'viewer',
    listTasks: 'viewer',
    cancelTask: 'operator',
    retryTask: 'operator',
  },
  'acs.v1.ProfilesService': {
    createProfile: 'admin',
    updateProfile: 'admin',
    deleteProfile: 'admin',
    getProfile: 'viewer',
    listProfiles: 'viewer',
    dryRunProfile: 'operator',
  },
  'acs.v1.FaultsService': {
    listFaults: 'viewer',
    clearFault: 'operator',
    retryFault: 'operator',
  },
  'acs.v1.ApiKeysService': {
    createApiKey: 'admin',
    listApiKeys: 'admin',
    revokeApiKey: 'admin',
  },
  'acs.v1.AuditService': {
    listAuditEntries: 'admin',
  },
};

/** The role a method needs, by service and generated method key; undefined = not an API method. */
export function requiredRole(service: string, methodKey: string): NbiRole | undefined {
  const table = (METHOD_ROLES as Readonly<Record<string, Readonly<Record<string, NbiRole>>>>)[
    service
  ];
  return table?.[methodKey];
}
