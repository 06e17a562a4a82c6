import type { EventBus } from '@acs/bus';
import { ProfileCatalog } from './profile.catalog';
import { silentLogger, type Clock, type ProvisioningLogger } from './provisioning.ports';
import type { ProvisioningRepositories } from './provisioning.repositories';
import { TagService } from './tag.service';
import { TaskService } from './task.service';

/** What an API process (NBI, acsctl's tests, benchmarks) uses of provisioning, without consuming. */
export interface ProvisioningApi {
  readonly repositories: ProvisioningRepositories;
  readonly tasks: TaskService;
  readonly tags: TagService;
  readonly profiles: ProfileCatalog;
}

/** Tasks, tags and the profile catalog over `repositories`; tag changes publish on `bus`. */
export function provisioningApi(
  repositories: ProvisioningRepositories,
  bus: EventBus,
  clock: Clock,
  logger: ProvisioningLogger = silentLogger,
): ProvisioningApi {
  return {
    repositories,
    tasks: new TaskService(repositories.tasks, repositories.audit, clock),
    tags: new TagService(repositories, bus, clock, logger),
    profiles: new ProfileCatalog(repositories.profiles, clock),
  };
}
