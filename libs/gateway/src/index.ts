// @acs/gateway — the CWMP session logic of the CPE-facing gateway: state machine, request
// handler over injected ports, authentication, HTTP(S) server and config. See docs/gateway.md.
export * from './gateway.error';
export * from './gateway.config';
export * from './runtime.ports';
export * from './credentials.repository';
export * from './session.record';
export * from './session.state-machine';
export * from './cpe-request.responder';
export * from './auth-failure.limiter';
export * from './cpe.authenticator';
export * from './session.tracker';
export * from './cwmp-session.handler';
export * from './gateway.http-server';
export * from './gateway';
export * from './testing/cpe-test.client';
export * from './session-event.publisher';
export * from './session.telemetry';
