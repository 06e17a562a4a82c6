import {
  Server,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerErrorResponse,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { API_SERVICES, fileDescriptorProtos, type ApiServiceName } from '@acs/proto';
import { tracedUnary, type AcsMetrics } from '@acs/telemetry';
import type { Authenticator } from './auth/authenticator';
import type { Principal } from './auth/principal';
import { requiredRole, roleAllows, type NbiRole } from './auth/roles.table';
import type { CallContext, ServiceMethods, StreamMethod, UnaryMethod } from './nbi.context';
import { NbiError, NbiErrorCode } from './nbi.error';
import type { NbiClock, NbiLogger } from './nbi.ports';
import { toServiceError } from './grpc-status.mapper';

/** The implementation of every acs.v1 service (built by createApiImplementation). */
export type ApiImplementation = {
  readonly [S in ApiServiceName]: ServiceMethods<(typeof API_SERVICES)[S]>;
};

export interface NbiServerOptions {
  readonly implementation: ApiImplementation;
  readonly authenticator: Authenticator;
  readonly clock: NbiClock;
  readonly logger: NbiLogger;
  /** Per-call deadline when the client sets none, and the cap on a client's deadline (ms). */
  readonly maxCallMs: number;
  /** Cap on open-ended streams (WatchDevices), which run until the client cancels. Default 24 h. */
  readonly maxWatchMs?: number;
  /** When set, unary calls get a SERVER span and the rpc.server.call.duration metric. */
  readonly metrics?: AcsMetrics;
  /** Stream responses buffered for a client that does not read, before the stream is ended. */
  readonly maxStreamBacklog?: number;
}

/** Streams that run until the client cancels (not capped by maxCallMs). */
const OPEN_ENDED: ReadonlySet<string> = new Set(['/acs.v1.DevicesService/WatchDevices']);

function deadlineOf(raw: Date | number, now: number, maxMs: number): number {
  const d = raw instanceof Date ? raw.getTime() : raw;
  return Number.isFinite(d) ? Math.min(d, now + maxMs) : now + maxMs;
}

/**
 * Builds the gRPC server: every acs.v1 method goes through `guard`, the authorization
 * interceptor (authenticate → role from METHOD_ROLES → call → map errors), wrapped in the tracing
 * interceptor of @acs/telemetry; plus the standard health (grpc.health.v1) and reflection
 * services, which need no credential (load balancers and generic clients).
 */
export class NbiServer {
  readonly server: Server;
  readonly health: HealthImplementation;

  constructor(private readonly o: NbiServerOptions) {
    this.server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
    const statuses: Record<string, 'SERVING'> = { '': 'SERVING' };
    for (const [name, def] of Object.entries(API_SERVICES) as [
      ApiServiceName,
      ServiceDefinition,
    ][]) {
      const impl = o.implementation[name] as unknown as Record<string, unknown>;
      const handlers: UntypedServiceImplementation = {};
      for (const [key, d] of Object.entries(def)) {
        const method = impl[key];
        // ApiImplementation's type already demands every method; this catches a cast that hid a
        // missing one, at start-up rather than as UNIMPLEMENTED on the first call.
        if (typeof method !== 'function')
          throw new Error(`ApiImplementation has no handler for ${d.path} (wiring error)`);
        handlers[key] = d.responseStream
          ? this.guardStream(name, key, d.path, method as StreamMethod<unknown, unknown>)
          : this.guardUnary(name, key, d.path, method as UnaryMethod<unknown, unknown>);
      }
      this.server.addService(def, handlers);
      statuses[name] = 'SERVING';
    }
    this.health = new HealthImplementation(statuses);
    this.health.addToServer(this.server);
    // Reflection indexes the `fileDescriptorProtos` of each entry. proto-loader's own reading of
    // a descriptor set rewrites the files and loses most of them, so the files buf built (acs.v1,
    // google.protobuf and the vendored grpc.health.v1) are handed over as they are: an entry of
    // just that field is all the service reads.
    const pkg = {
      'acs.v1': { fileDescriptorProtos: fileDescriptorProtos() },
    } as unknown as PackageDefinition;
    new ReflectionService(pkg).addToServer(this.server);
  }

  /** Listens on host:port (port 0: any free port); returns the bound port. */
  async listen(
    host: string,
    port: number,
    credentials = ServerCredentials.createInsecure(),
  ): Promise<number> {
    const bound = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `${host.includes(':') ? `[${host}]` : host}:${port}`,
        credentials,
        (e, p) => (e === null ? resolve(p) : reject(e)),
      ),
    );
    return bound;
  }

  /** Refuses new calls, lets running ones finish for `graceMs`, then cancels them. */
  async shutdown(graceMs = 5_000): Promise<void> {
    for (const name of Object.keys(API_SERVICES)) this.health.setStatus(name, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** `needed`: the method's row of METHOD_ROLES, looked up once when the handler is built. */
  private async authorize(path: string, needed: NbiRole | undefined, metadata: Metadata) {
    const principal: Principal = await this.o.authenticator.authenticate(metadata);
    if (needed === undefined || !roleAllows(principal.role, needed))
      throw new NbiError(
        NbiErrorCode.PermissionDenied,
        `${path} needs role ${needed ?? 'none'}; ${principal.id} is ${principal.role}`,
      );
    return principal;
  }

  private context(
    principal: Principal,
    path: string,
    deadline: number,
    signal: AbortSignal,
  ): CallContext {
    return { principal, method: path, deadline, signal };
  }

  private fail(path: string, e: unknown): Partial<ServerErrorResponse> {
    const { error, known } = toServiceError(e);
    if (!known) this.o.logger.error({ err: e, method: path }, 'API call failed');
    return error;
  }

  /** Aborts at the deadline or when the client cancels; returns the cleanup. */
  private abortOn(
    call: { on(event: 'cancelled', l: () => void): unknown; getDeadline(): Date | number },
    ac: AbortController,
    capMs: number,
  ): { deadline: number; done: () => void } {
    const now = this.o.clock.now();
    const deadline = deadlineOf(call.getDeadline(), now, capMs);
    const timer = setTimeout(() => ac.abort(), Math.max(0, deadline - now));
    call.on('cancelled', () => ac.abort());
    return { deadline, done: () => clearTimeout(timer) };
  }

  private guardUnary(
    service: string,
    key: string,
    path: string,
    method: UnaryMethod<unknown, unknown>,
  ): handleUnaryCall<unknown, unknown> {
    const needed = requiredRole(service, key);
    const handler: handleUnaryCall<unknown, unknown> = (call, callback) => {
      const ac = new AbortController();
      const { deadline, done } = this.abortOn(call, ac, this.o.maxCallMs);
      void (async () => {
        try {
          const principal = await this.authorize(path, needed, call.metadata);
          const res = await method(
            call.request,
            this.context(principal, path, deadline, ac.signal),
          );
          callback(null, res);
        } catch (e) {
          callback(this.fail(path, e));
        } finally {
          done();
        }
      })();
    };
    return this.o.metrics === undefined
      ? handler
      : tracedUnary(path.slice(1), handler, this.o.metrics);
  }

  private guardStream(
    service: string,
    key: string,
    path: string,
    method: StreamMethod<unknown, unknown>,
  ): handleServerStreamingCall<unknown, unknown> {
    const maxBacklog = this.o.maxStreamBacklog ?? 10_000;
    const cap = OPEN_ENDED.has(path) ? (this.o.maxWatchMs ?? 86_400_000) : this.o.maxCallMs;
    const needed = requiredRole(service, key);
    return (call) => {
      const ac = new AbortController();
      const { deadline, done } = this.abortOn(call, ac, cap);
      let ended = false;
      void (async () => {
        try {
          const principal = await this.authorize(path, needed, call.metadata);
          await method(call.request, this.context(principal, path, deadline, ac.signal), (res) => {
            if (ended || ac.signal.aborted) return;
            // A client that does not read: end its stream rather than buffer without bound.
            if (call.writableLength > maxBacklog) {
              ended = true;
              ac.abort();
              call.emit('error', {
                code: status.RESOURCE_EXHAUSTED,
                details: `client does not read its stream (${maxBacklog} messages buffered)`,
              });
              return;
            }
            call.write(res);
          });
          if (!ended) call.end();
        } catch (e) {
          if (!ended) call.emit('error', this.fail(path, e));
        } finally {
          ended = true;
          done();
        }
      })();
    };
  }
}
