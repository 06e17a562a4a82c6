import type { AddressInfo } from 'node:net';
import type { EventBus } from '@acs/bus';
import type { SessionRegistry } from '@acs/sessions';
import { ALL_CWMP_TOPICS } from '@acs/events';
import type { AcsMetrics, WakeupTraceStore } from '@acs/telemetry';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { CpeAuthenticator } from './cpe.authenticator';
import type { CredentialsRepository } from './credentials.repository';
import { CwmpSessionHandler } from './cwmp-session.handler';
import type { GatewayConfig } from './gateway.config';
import { GatewayHttpServer, type TlsMaterial } from './gateway.http-server';
import {
  CryptoRandom,
  SystemClock,
  silentLogger,
  type Clock,
  type GatewayLogger,
  type RandomSource,
} from './runtime.ports';

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly registry: SessionRegistry;
  readonly bus: EventBus;
  readonly credentials: CredentialsRepository;
  readonly tls?: TlsMaterial;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly logger?: GatewayLogger;
  /** Session metrics (`telemetry.metrics`); spans need no wiring (the OTel API is global). */
  readonly metrics?: AcsMetrics;
  /** Pending wake-ups' trace contexts: a connection-request session's span links to its cause. */
  readonly wakeupTraces?: WakeupTraceStore;
  /** Partitions of the CWMP topics when the gateway creates them. Default 3. */
  readonly topicPartitions?: number;
}

/** One gateway instance: the session handler behind its HTTP(S) server. The caller owns the adapters. */
export class Gateway {
  readonly handler: CwmpSessionHandler;
  private readonly server: GatewayHttpServer;
  private readonly logger: GatewayLogger;

  constructor(private readonly deps: GatewayDeps) {
    const clock = deps.clock ?? new SystemClock();
    const random = deps.random ?? new CryptoRandom();
    this.logger = deps.logger ?? silentLogger;
    const auth = deps.config.auth;
    const authenticator = new CpeAuthenticator(
      auth,
      deps.credentials,
      deps.registry,
      random,
      Math.max(60_000, deps.config.sessionTimeoutMs),
    );
    this.handler = new CwmpSessionHandler({
      config: deps.config,
      registry: deps.registry,
      bus: deps.bus,
      authenticator,
      limiter: new AuthFailureLimiter(clock, auth.maxFailures, auth.failureWindowMs),
      clock,
      random,
      logger: this.logger,
      ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
      ...(deps.wakeupTraces === undefined ? {} : { wakeupTraces: deps.wakeupTraces }),
    });
    this.server = new GatewayHttpServer(deps.config, this.handler, this.logger, deps.tls);
  }

  get secure(): boolean {
    return this.server.secure;
  }

  get requestsInFlight(): number {
    return this.server.requestsInFlight;
  }

  /** Creates the topics (idempotent) and starts listening. */
  async start(port?: number, host?: string): Promise<AddressInfo> {
    await this.deps.bus.ensureTopics(
      ALL_CWMP_TOPICS.map((name) => ({ name, partitions: this.deps.topicPartitions ?? 3 })),
    );
    return this.server.listen(port, host);
  }

  /**
   * Graceful shutdown: refuse new sessions (503 + Retry-After), let open sessions finish up to the
   * drain timeout, then close the listener and every connection.
   */
  async shutdown(drainTimeoutMs = this.deps.config.drainTimeoutMs, graceMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
    });
    const outcome = await Promise.race([
      this.handler.drain().then(() => 'drained' as const),
      deadline,
    ]);
    clearTimeout(timer);
    this.logger.info({ outcome, open: this.handler.activeSessions }, 'gateway drained');
    this.handler.stop();
    // Requests in flight (of sessions other pods track) get a moment to finish, then connections go.
    const closing = this.server.close();
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([closing, grace]);
    clearTimeout(timer);
    this.server.destroyConnections();
    await closing;
  }
}
