import { readFile } from 'node:fs/promises';
import { ServerCredentials } from '@grpc/grpc-js';
import type { EventBus } from '@acs/bus';
import type {
  ProfileCatalog,
  ProvisioningRepositories,
  TagService,
  TaskService,
} from '@acs/provisioning';
import type { DocumentStore } from '@acs/store';
import type { AcsMetrics } from '@acs/telemetry';
import { bootstrapAdminKey, type BootstrapOutcome } from './admin.bootstrap';
import { actionsApi } from './api/actions.api';
import { apiKeysApi, auditApi } from './api/admin.api';
import { devicesApi } from './api/devices.api';
import { faultsApi } from './api/faults.api';
import { parametersApi } from './api/parameters.api';
import { profilesApi } from './api/profiles.api';
import { tasksApi } from './api/tasks.api';
import { AuditTrail } from './audit.trail';
import { ApiKeyStore } from './auth/api-key.store';
import { Authenticator } from './auth/authenticator';
import { JwtVerifier } from './auth/jwt.verifier';
import { ChangeFeed } from './live/change.feed';
import { TaskWaiter } from './live/task.waiter';
import { WakeupPublisher } from './live/wakeup.publisher';
import type { NbiConfig } from './nbi.config';
import { DEFAULT_NBI_LIMITS, type NbiDeps, type NbiLimits } from './nbi.deps';
import {
  cryptoRandom,
  systemClock,
  type NbiClock,
  type NbiLogger,
  type RandomSource,
} from './nbi.ports';
import { NbiServer, type ApiImplementation } from './nbi.server';

export function createApiImplementation(deps: NbiDeps): ApiImplementation {
  return {
    'acs.v1.DevicesService': devicesApi(deps),
    'acs.v1.ParametersService': parametersApi(deps),
    'acs.v1.ActionsService': actionsApi(deps),
    'acs.v1.TasksService': tasksApi(deps),
    'acs.v1.ProfilesService': profilesApi(deps),
    'acs.v1.FaultsService': faultsApi(deps),
    'acs.v1.ApiKeysService': apiKeysApi(deps),
    'acs.v1.AuditService': auditApi(deps),
  };
}

export interface StartNbiOptions {
  readonly config: NbiConfig;
  readonly store: DocumentStore;
  readonly bus: EventBus;
  /** The provisioning library's services over the same store (startProvisioning's handle, or openRepositories + new). */
  readonly provisioning: {
    readonly repositories: ProvisioningRepositories;
    readonly tasks: TaskService;
    readonly tags: TagService;
    readonly profiles: ProfileCatalog;
  };
  /** Where the initial admin key goes when NBI_ADMIN_KEY_FILE is not set. */
  readonly defaultAdminKeyFile: string;
  readonly logger: NbiLogger;
  readonly metrics?: AcsMetrics;
  readonly clock?: NbiClock;
  readonly random?: RandomSource;
  readonly limits?: Partial<NbiLimits>;
}

export interface NbiHandle {
  readonly port: number;
  readonly server: NbiServer;
  readonly deps: NbiDeps;
  readonly bootstrap: BootstrapOutcome;
  stop(): Promise<void>;
}

async function credentialsOf(c: NbiConfig): Promise<ServerCredentials> {
  if (c.NBI_TLS_CERT_FILE === undefined || c.NBI_TLS_KEY_FILE === undefined)
    return ServerCredentials.createInsecure();
  const ca =
    c.NBI_TLS_CLIENT_CA_FILE === undefined ? null : await readFile(c.NBI_TLS_CLIENT_CA_FILE);
  return ServerCredentials.createSsl(
    ca,
    [
      {
        cert_chain: await readFile(c.NBI_TLS_CERT_FILE),
        private_key: await readFile(c.NBI_TLS_KEY_FILE),
      },
    ],
    // mTLS: with a client CA, a client without a certificate it signed cannot connect.
    ca !== null,
  );
}

/** The API on the given adapters: admin bootstrap, change feed, gRPC server listening. */
export async function startNbi(o: StartNbiOptions): Promise<NbiHandle> {
  const c = o.config;
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  const keys = await ApiKeyStore.open(o.store, clock, random);
  const audit = await AuditTrail.open(o.store, clock, random);
  const feed = new ChangeFeed(
    o.bus,
    `${c.NBI_FEED_GROUP_PREFIX}-${random.bytes(6).toString('hex')}`,
    o.logger,
  );
  const deps: NbiDeps = {
    repos: o.provisioning.repositories,
    tasks: o.provisioning.tasks,
    tags: o.provisioning.tags,
    profiles: o.provisioning.profiles,
    keys,
    audit,
    wakeups: new WakeupPublisher(o.bus, clock),
    feed,
    waiter: new TaskWaiter(o.provisioning.tasks, feed, clock),
    clock,
    logger: o.logger,
    limits: { ...DEFAULT_NBI_LIMITS, ...o.limits },
  };
  const rsa =
    c.NBI_JWT_RS256_PUBLIC_KEY_FILE === undefined
      ? undefined
      : await readFile(c.NBI_JWT_RS256_PUBLIC_KEY_FILE, 'utf8');
  const jwt = new JwtVerifier(
    {
      ...(c.NBI_JWT_HS256_SECRET === undefined ? {} : { hs256Secret: c.NBI_JWT_HS256_SECRET }),
      ...(rsa === undefined ? {} : { rs256PublicKey: rsa }),
      ...(c.NBI_JWT_ISSUER === undefined ? {} : { issuer: c.NBI_JWT_ISSUER }),
      ...(c.NBI_JWT_AUDIENCE === undefined ? {} : { audience: c.NBI_JWT_AUDIENCE }),
    },
    clock,
  );
  const bootstrap = await bootstrapAdminKey(
    keys,
    c.NBI_ADMIN_KEY_FILE ?? o.defaultAdminKeyFile,
    o.logger,
  );
  // Started only now: a failing key file read or admin bootstrap above leaves nothing running.
  await feed.start();
  const server = new NbiServer({
    implementation: createApiImplementation(deps),
    authenticator: new Authenticator(keys, jwt.enabled ? jwt : undefined),
    clock,
    logger: o.logger,
    maxCallMs: c.NBI_MAX_CALL_MS,
    maxWatchMs: c.NBI_MAX_WATCH_MS,
    ...(o.metrics === undefined ? {} : { metrics: o.metrics }),
  });
  let port: number;
  try {
    port = await server.listen(c.NBI_HOST, c.NBI_PORT, await credentialsOf(c));
  } catch (e) {
    await feed.stop();
    throw e;
  }
  return {
    port,
    server,
    deps,
    bootstrap,
    async stop() {
      await server.shutdown();
      await feed.stop();
    },
  };
}
