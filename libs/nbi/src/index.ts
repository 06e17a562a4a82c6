// @acs/nbi — the northbound gRPC API (acs.v1, libs/proto) over the provisioning library, the store
// and the bus: service implementations, filter expressions, field masks, cursor pagination,
// authentication (API keys, JWT; optional mTLS), the per-method role table, the audit trail, and
// the gRPC server with health and reflection. See docs/nbi.md.
export * from './nbi.error';
export * from './nbi.ports';
export * from './nbi.context';
export * from './nbi.config';
export * from './nbi.deps';
export * from './grpc-status.mapper';
export * from './auth/roles.table';
export type { Principal } from './auth/principal';
export * from './auth/api-key.store';
export * from './auth/jwt.verifier';
export * from './auth/authenticator';
export * from './audit.trail';
export * from './admin.bootstrap';
export { parseFilter, evaluateFilter, type FilterExpr } from './query/filter.parser';
export { encodePageToken, decodePageToken } from './query/page.token';
export { ChangeFeed } from './live/change.feed';
export { TaskWaiter } from './live/task.waiter';
export { WakeupPublisher } from './live/wakeup.publisher';
export { NbiServer, type ApiImplementation, type NbiServerOptions } from './nbi.server';
export {
  createApiImplementation,
  startNbi,
  type NbiHandle,
  type StartNbiOptions,
} from './nbi.runtime';
// Test and tooling helpers: a generic client of every method, from the service definitions.
export { ApiCaller, type CallOutcome } from './testing/api.caller';
