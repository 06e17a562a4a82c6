// @acs/connreq — connection requests (TR-069 §3.2.2 HTTP, Annex G UDP, Annex K XMPP), the STUN
// binding server's logic (TR-111), and the wake-up fan-out. Pure logic plus ports and adapters.

export { ConnreqError, ConnreqErrorCode } from './connreq.error';

// Schemas and topics
export { CONNREQ_RESULTS_TOPIC, CONNREQ_WAKEUPS_TOPIC } from './schema/connreq.topics';
export {
  ATTEMPT_OUTCOMES,
  CONNREQ_METHODS,
  RESULT_OUTCOMES,
  RESULT_SCHEMA_V1,
  WAKEUP_SCHEMA_V1,
  attemptRecordSchema,
  connreqResultSchema,
  deviceContactSchema,
  parseConnreqResult,
  parseWakeupCommand,
  wakeupCommandSchema,
  type AttemptOutcomeKind,
  type AttemptRecord,
  type ConnreqMethod,
  type ConnreqResult,
  type DeviceContact,
  type ResultOutcome,
  type WakeupCommand,
} from './schema/wakeup.schema';

// Ports
export type { AttemptOutcome } from './ports/attempt.outcome';
export { assertBinding, type BindingStore, type StunBinding } from './ports/binding-store.port';
export { SystemClock, type Clock, type Random } from './ports/clock.port';
export type { DatagramSender } from './ports/datagram.port';
export type {
  ConnreqStatus,
  DeviceContactDirectory,
  StunCredential,
  StunCredentialLookup,
  StunCredentialStore,
} from './ports/device-contact.port';
export type { DeviceParameterSource } from './ports/device-parameters.port';

// Adapters
export { CryptoRandom } from './adapters/crypto.random';
export { InMemoryBindingStore } from './adapters/binding-store.memory';
export { RedisBindingStore, type RedisBindingStoreOptions } from './adapters/binding-store.redis';
export { InMemoryDeviceContactDirectory } from './adapters/device-contact.memory';
export { StoreDeviceContactDirectory } from './adapters/device-contact.store';
export { InMemoryDeviceParameterSource } from './adapters/device-parameters.memory';
export { StoreDeviceParameterSource } from './adapters/device-parameters.store';
export { nextStatus } from './adapters/device-status.reducer';
export {
  InMemoryStunCredentials,
  StoreStunCredentials,
} from './adapters/stun-credentials.adapters';

// Contact directory, filled from Informs and session ends
export {
  MANAGEMENT_SERVER_PARAMS,
  deriveContact,
  jidAllowed,
  managementServerValues,
  mergeValues,
  type DerivedContact,
  type ManagementServerParam,
  type ManagementServerValues,
} from './directory/management-server.params';
export {
  ContactRecorder,
  type ContactRecorderDeps,
  type ContactRecorderStats,
  type RefreshOutcome,
} from './directory/contact.recorder';
export {
  CONTACTS_DEAD_LETTER_TOPIC,
  startContactRecorder,
  type ContactRecorderConsumer,
  type ContactRecorderConsumerDeps,
} from './directory/contact-recorder.consumer';

// UDP relay (split deployment: wake-ups sent from the STUN node that learned the binding)
export {
  CONNREQ_UDP_RELAY_TOPIC,
  UDP_RELAY_SCHEMA_V1,
  udpRelaySchema,
  type UdpRelayMessage,
} from './relay/udp-relay.schema';
export { BusDatagramSender } from './relay/udp-relay.sender';
export {
  startUdpRelay,
  type UdpRelay,
  type UdpRelayCounters,
  type UdpRelayDeps,
} from './relay/udp-relay.consumer';

// HTTP
export {
  AddressPolicy,
  DEFAULT_ADDRESS_POLICY,
  type AddressPolicyConfig,
} from './http/address.policy';
export { DnsHostResolver, type HostResolver, type ResolvedAddress } from './http/host.resolver';
export {
  HttpConnectionRequester,
  type HttpConnectionRequestInput,
  type HttpConnectionRequesterOptions,
} from './http/http-connreq.client';

// UDP (Annex G)
export {
  MAX_UDP_CONNECTION_REQUEST,
  annexGSignature,
  buildUdpConnectionRequest,
  parseUdpConnectionRequest,
  verifyUdpConnectionRequest,
  type ParsedUdpConnectionRequest,
  type UdpConnectionRequestFields,
  type UdpConnectionRequestInput,
} from './udp/annex-g.message';
export { UdpReplayGuard, type ReplayVerdict } from './udp/replay.guard';
export { UdpMessageSource } from './udp/udp-message.source';
export {
  UdpConnectionRequester,
  parseHostPort,
  type UdpConnectionRequestTask,
  type UdpConnectionRequesterOptions,
  type UdpTarget,
} from './udp/udp-connreq.sender';

// XMPP (Annex K)
export { XMPP_CONNREQ_NS, type XmppConnectionRequestInput } from './xmpp/xmpp-connreq.types';
export {
  XmppConnectionRequester,
  classifyXmppError,
  type XmppConnectionRequesterOptions,
} from './xmpp/xmpp-connreq.client';
export type { XmppAccount } from './xmpp/xmpp-worker.host';
export {
  XmppCpeResponder,
  type ResponderBehaviour,
  type ServedRequest,
} from './testing/xmpp-cpe.responder';

// Test doubles of the CPE side (tests, benchmarks, simulator)
export {
  CpeHttpServer,
  type CpeHttpBehaviour,
  type CpeHttpServerOptions,
} from './testing/cpe-http.server';

// STUN server (TR-111)
export {
  StunBindingHandler,
  newStunCounters,
  type DatagramSource,
  type StunBindingHandlerOptions,
  type StunServerCounters,
} from './stun/stun-binding.handler';
export { StunUdpServer, type StunUdpServerOptions } from './stun/stun-udp.server';

// Fan-out
export { backoffDelay, type BackoffPolicy } from './fanout/backoff';
export { chooseMethods, type MethodChoiceInput } from './fanout/method.selector';
export { Semaphore } from './fanout/semaphore';
export { TokenBucket } from './fanout/token-bucket';
export {
  DEFAULT_FANOUT_LIMITS,
  type FanoutLimits,
  type FanoutStats,
  type Requesters,
  type ResultSink,
} from './fanout/fanout.types';
export { WakeupFanout, type WakeupFanoutDeps } from './fanout/wakeup.fanout';

// Services (what apps/connection-request, apps/stun and apps/acs start)
export { BusResultSink } from './service/bus-result.sink';
export {
  startConnectionRequestService,
  type ConnectionRequestService,
  type ConnectionRequestServiceDeps,
} from './service/connreq.service';
export { startStunServer, type StunService, type StunServiceDeps } from './service/stun.service';
export {
  connreqConfigSchema,
  loadConnreqConfig,
  type ConnreqConfig,
} from './service/connreq.config';
export {
  startConnreqRuntime,
  type ConnreqRuntime,
  type ConnreqRuntimeDeps,
} from './service/connreq.runtime';
