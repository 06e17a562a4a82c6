// @acs/domain — the provisioning core: device state model and its reducers, profiles and tasks,
// the desired-state merge and the pure diff engine (state + desired → next RPCs). Pure: no I/O.
// See docs/provisioning.md.
export { DomainError, DomainErrorCode } from './domain.error';

// Device state
export * from './device/device-state.types';
export * from './device/device-state.reducers';
export { escapePathKey, unescapePathKey, escapeKeys, unescapeKeys } from './device/path-key';
export {
  toStoredState,
  fromStoredState,
  type StoredDeviceState,
} from './device/device-state.document';
export { resolveAliasPath, instanceWithAlias, instancesOf } from './device/alias.resolve';
export {
  applyFault,
  applyTransferComplete,
  backoffDelay,
  clearFaults,
  clearFaultsOf,
  recordFindings,
  INVALID_PARAMETER_NAME,
} from './fault/fault.reducer';

// Values
export {
  sameValue,
  toCwmpValue,
  typeFor,
  lexical,
  type DesiredScalar,
} from './value/value.convert';

// Declarations
export * from './profile/profile.schema';
export {
  loadProfile,
  loadProfiles,
  parseProfile,
  parseDeclarationText,
} from './profile/profile.loader';
export { matchesFilter, conditionHolds, compareVersions } from './profile/filter.matcher';
export {
  expandTemplate,
  templateValues,
  unknownTemplateVariables,
  TEMPLATE_VARIABLES,
  type TemplateVariable,
} from './profile/template.expand';
export { parseCron, previousTick, CRON_PATTERN, type CronSpec } from './profile/schedule';
export * from './task/task.schema';
export { taskStatus, type TaskStatus } from './task/task.status';

// Desired state and the diff engine
export * from './desired/desired-state.types';
export {
  mergeDesired,
  matchingProfiles,
  comparePrecedence,
  type MergeContext,
} from './desired/desired-state.merge';
export * from './plan/plan.types';
export { plan } from './plan/plan.engine';
export { applyRpcResult, applyRpcSent } from './plan/rpc-result.apply';
export { stableHash } from './plan/stable-hash';

// Profile scripts (the evaluator is @acs/scripts)
export * from './script/script.types';
export {
  parseScriptOutput,
  scriptDevice,
  scriptOutputSchema,
  scriptRequest,
  type ScriptOutput,
} from './script/script.declarations';
