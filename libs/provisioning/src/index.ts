// @acs/provisioning — the provisioning service over ports: applies CWMP events (Informs, CPE
// requests, RPC results) to the device store, plans the next RPCs with @acs/domain and hands them
// to the live session's inbox; device change events, the tasks API and profile catalog.
// See docs/provisioning.md ("Provisioning service").
export * from './provisioning.error';
export * from './provisioning.ports';
export * from './provisioning.repositories';
export type {
  AuditAction,
  AuditDocument,
  DeviceDocument,
  LiveSession,
  Outbox,
  PendingRpc,
  TaskUpdate,
} from './device.document';
export { loadState, storeState } from './device.document';
export * from './device-change.event';
export { ProfileCatalog } from './profile.catalog';
export * from './task.service';
export * from './tag.service';
export * from './provisioning.api';
export * from './fault.query';
export * from './dlq.replayer';
export { rpcIdOf } from './session.step';
export {
  DEFAULT_PROVISIONING_OPTIONS,
  ProvisioningService,
  pushMarkerKey,
  type ProvisioningOptions,
  type ProvisioningServiceDeps,
} from './provisioning.service';
export * from './provisioning.consumer';
export { loadProfileDirectory } from './profile-directory.loader';
