import type { Principal } from './auth/principal';

/** What every API method receives besides its request. */
export interface CallContext {
  readonly principal: Principal;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch ms by which the call must answer (the client's deadline, capped by the server). */
  readonly deadline: number;
  /** `/acs.v1.DevicesService/ListDevices`. */
  readonly method: string;
}

export type UnaryMethod<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;
export type StreamMethod<Req, Res> = (
  request: Req,
  ctx: CallContext,
  send: (response: Res) => void,
) => Promise<void>;

/** The implementation of one generated service definition, method by method. */
export type ServiceMethods<D> = {
  [K in keyof D]: D[K] extends {
    responseStream: true;
    requestDeserialize: (b: Buffer) => infer Q;
    responseSerialize: (v: infer R) => Buffer;
  }
    ? StreamMethod<Q, R>
    : D[K] extends {
          requestDeserialize: (b: Buffer) => infer Q;
          responseSerialize: (v: infer R) => Buffer;
        }
      ? UnaryMethod<Q, R>
      : never;
};
