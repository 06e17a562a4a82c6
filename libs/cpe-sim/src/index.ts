// @acs/cpe-sim — simulated CPEs (TR-069 CWMP client side) as lightweight state machines on one
// event loop, with copy-on-write data models from shared templates. See docs/cpe-sim.md.
export { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';
export {
  ManualClock,
  SystemClock,
  type RandomSource,
  type SimClock,
  type TimerHandle,
} from './sim.clock';
export { DeviceTemplate, deviceTemplate, type TemplateName } from './device.template';
export { DeviceModel, type ModelResult, type PlaceholderFill } from './device.model';
export { DEFAULT_GROUP, type DeviceGroupConfig } from './device-group.config';
export { applyXmlQuirks, parseQuirks, type QuirkProfile } from './quirk.profile';
export {
  SimulatedCpe,
  type CpeState,
  type DeferredAction,
  type PendingRequest,
  type QueuedTransferInfo,
} from './simulated-cpe';
export { SIMULATED_METHODS, handleCpeMethod } from './cpe.methods';
export {
  runSession,
  type SessionOutcome,
  type SessionTransport,
  type TransportResponse,
} from './cpe.session';
export { HttpSessionTransport, type HttpTransportOptions } from './http.transport';
export {
  HttpFileTransferClient,
  type FileResponse,
  type FileTransferClient,
} from './file-transfer.client';
export {
  FIRMWARE_MAGIC,
  performDownload,
  performUpload,
  performDuChange,
  type TransferResult,
} from './transfer.runner';
export { CpeFleet, type FleetOptions, type TransportFactory } from './cpe.fleet';
export { FleetStats } from './fleet.stats';
export { startHttpCpe, type HttpCpe, type HttpCpeOptions } from './http-cpe.fixture';
export {
  ConnectionRequestServer,
  type ConnectionRequestServerOptions,
} from './connection-request.server';
export {
  UdpConnectionRequestListener,
  parseUdpConnectionRequest,
  udpSignature,
  type UdpConnectionRequest,
  type UdpParse,
  type UdpVerdict,
} from './udp-connection-request';
export { CpeStunClient, type StunClientOptions, type StunClientState } from './stun.client';
export {
  CpeXmppClient,
  XMPP_CONNREQ_NS,
  xmppVerdict,
  type ConnectionRequestSink,
  type XmppCpeAccount,
  type XmppVerdict,
} from './xmpp.client';
