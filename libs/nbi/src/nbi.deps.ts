import type {
  ProfileCatalog,
  ProvisioningRepositories,
  TagService,
  TaskService,
} from '@acs/provisioning';
import type { ApiKeyStore } from './auth/api-key.store';
import type { AuditTrail } from './audit.trail';
import type { ChangeFeed } from './live/change.feed';
import type { TaskWaiter } from './live/task.waiter';
import type { WakeupPublisher } from './live/wakeup.publisher';
import type { NbiClock, NbiLogger } from './nbi.ports';

export interface NbiLimits {
  /** Devices/List examines at most this many documents per call (a partial page then has a token). */
  readonly listScanLimit: number;
  /** DryRunProfile examines at most this many devices. */
  readonly dryRunMaxDevices: number;
}

export const DEFAULT_NBI_LIMITS: NbiLimits = { listScanLimit: 50_000, dryRunMaxDevices: 10_000 };

/** What the API services work over: the provisioning library's services and the API's own. */
export interface NbiDeps {
  readonly repos: ProvisioningRepositories;
  readonly tasks: TaskService;
  readonly tags: TagService;
  readonly profiles: ProfileCatalog;
  readonly keys: ApiKeyStore;
  readonly audit: AuditTrail;
  readonly wakeups: WakeupPublisher;
  readonly feed: ChangeFeed;
  readonly waiter: TaskWaiter;
  readonly clock: NbiClock;
  readonly logger: NbiLogger;
  readonly limits: NbiLimits;
}
