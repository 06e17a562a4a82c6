import {
  InterceptingCall,
  status,
  type Interceptor,
  type ServerUnaryCall,
  type handleUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { monotonicSeconds, type SecondsClock } from './event-bus.traced';
import type { AcsMetrics } from './metrics.registry';
import { ATTR, RPC_SYSTEM, redactText } from './span.attributes';
import { SpanKind, SpanStatusCode, recordError, startSpan } from './span.helpers';
import { extractFromGrpcMetadata, injectIntoGrpcMetadata } from './trace.propagation';

/** gRPC status code → its name (`rpc.status_code` is the name: `OK`, `NOT_FOUND`…). */
export function grpcStatusName(code: number): string {
  return (status as unknown as Record<number, string | undefined>)[code] ?? 'UNKNOWN';
}

/**
 * Client interceptor (acsctl, tests, other services calling the NBI): writes the active trace
 * context into every call's metadata. `new Client(addr, creds, { interceptors: [grpcTraceInterceptor] })`.
 */
export const grpcTraceInterceptor: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      next(injectIntoGrpcMetadata(metadata), listener);
    },
  });

/**
 * Wraps a unary NBI handler: a SERVER span named after `method` (`acs.v1.Devices/Get`), child of
 * the caller's trace from the metadata and active while the handler runs (so a wake-up it
 * publishes carries it); `rpc.status_code` from what the handler answers, ERROR unless OK; and
 * `rpc.server.call.duration` {rpc.system.name grpc, rpc.method, rpc.status_code}.
 */
export function tracedUnary<Req, Res>(
  method: string,
  handler: handleUnaryCall<Req, Res>,
  metrics: AcsMetrics,
  clock: SecondsClock = monotonicSeconds,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = clock();
    const span = startSpan(method, {
      kind: SpanKind.SERVER,
      parent: extractFromGrpcMetadata(call.metadata),
      attributes: { [ATTR.rpcSystem]: RPC_SYSTEM.grpc, [ATTR.rpcMethod]: method },
    });
    let done = false;
    const finish = (code: number, message?: string): void => {
      if (done) return;
      done = true;
      const name = grpcStatusName(code);
      span.setAttribute(ATTR.rpcStatusCode, name);
      if (code !== (status.OK as number)) {
        span.setAttribute(ATTR.errorType, name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: redactText(message ?? name) });
      }
      span.end();
      metrics.apiCallDuration.record(clock() - started, {
        'rpc.system.name': 'grpc',
        'rpc.method': method,
        'rpc.status_code': name,
      });
    };
    const reply: sendUnaryData<Res> = (error, value, trailer, flags) => {
      const code = error === null ? status.OK : (error.code ?? status.UNKNOWN);
      const message =
        error === null ? undefined : (error.details ?? (error as { message?: string }).message);
      finish(code, message);
      callback(error, value, trailer, flags);
    };
    try {
      context.with(trace.setSpan(context.active(), span), () => handler(call, reply));
    } catch (e) {
      recordError(span, e);
      finish(status.UNKNOWN, (e as Error).message);
      throw e;
    }
  };
}
