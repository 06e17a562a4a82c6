import type { DeliveredMessage, EventBus, Subscription } from '@acs/bus';
import { DLQ_HEADER, defaultDeadLetterTopic } from '@acs/bus';
import type { PlanPolicy, ScriptEvaluator } from '@acs/domain';
import { EventsError, TOPICS, decodeEvent } from '@acs/events';
import { QuickJsScriptEvaluator } from '@acs/scripts';
import type { SessionRegistry } from '@acs/sessions';
import type { DocumentStore } from '@acs/store';
import { DEVICE_CHANGES_TOPIC } from './device-change.event';
import { FaultQuery } from './fault.query';
import { ProfileCatalog } from './profile.catalog';
import {
  SystemClock,
  silentLogger,
  type Clock,
  type ProvisioningLogger,
} from './provisioning.ports';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import { openRepositories, type ProvisioningRepositories } from './provisioning.repositories';
import { ProvisioningService, type ProvisioningOptions } from './provisioning.service';
import { TagService } from './tag.service';
import { TaskService } from './task.service';

/** The topics the service consumes (key = device id on each). */
export const PROVISIONING_TOPICS = [TOPICS.informs, TOPICS.requests, TOPICS.rpcResults] as const;
export const PROVISIONING_GROUP_ID = 'provisioning';

export interface StartProvisioningOptions {
  readonly bus: EventBus;
  readonly sessions: SessionRegistry;
  readonly store: DocumentStore;
  readonly logger?: ProvisioningLogger;
  readonly clock?: Clock;
  /** Consumer group. Default `provisioning`. */
  readonly groupId?: string;
  /** Profiles (parsed JSON/YAML objects) saved at start; unchanged ones keep their version. */
  readonly profiles?: readonly unknown[];
  /** How long profiles are cached before they are read again. Default 5 s. */
  readonly profileCacheTtlMs?: number;
  /** Deliveries of an event failing for a transient reason before it is dead-lettered. Default 8. */
  readonly maxAttempts?: number;
  /** First retry delay (doubles per attempt). Default 200 ms. */
  readonly retryBackoffMs?: number;
  /** Partitions of the topics the service creates (changes, dead letters). Default 3. */
  readonly topicPartitions?: number;
  readonly policy?: Partial<PlanPolicy>;
  /** Runs profile scripts. Default: a QuickJS evaluator (the wasm module loaded once, here). */
  readonly scripts?: ScriptEvaluator;
  readonly service?: Partial<Omit<ProvisioningOptions, 'policy'>>;
}

/** A running provisioning service. The caller still owns (and closes) bus, sessions and store. */
export interface ProvisioningHandle {
  readonly service: ProvisioningService;
  readonly tasks: TaskService;
  readonly tags: TagService;
  /** Faults by profile, task or device (index queries over the fault mirror). */
  readonly faults: FaultQuery;
  readonly profiles: ProfileCatalog;
  readonly repositories: ProvisioningRepositories;
  /** Stops consuming (offsets of handled events are committed first). Idempotent. */
  stop(): Promise<void>;
}

/** Routes one delivered message: permanent failures go to the dead-letter topic at once. */
export function provisioningHandler(
  service: ProvisioningService,
  bus: EventBus,
  logger: ProvisioningLogger,
): (m: DeliveredMessage) => Promise<void> {
  const deadLetter = async (m: DeliveredMessage, error: Error): Promise<void> => {
    logger.warn(
      { topic: m.topic, offset: m.offset, key: m.key, err: error },
      'event dead-lettered',
    );
    await bus.publish(defaultDeadLetterTopic(m.topic), [
      {
        key: m.key,
        value: m.value,
        headers: {
          ...m.headers,
          [DLQ_HEADER.topic]: m.topic,
          [DLQ_HEADER.partition]: String(m.partition),
          [DLQ_HEADER.offset]: m.offset,
          [DLQ_HEADER.error]: `${error.name}: ${error.message}`.slice(0, 1000),
        },
      },
    ]);
  };
  return async (m) => {
    let event;
    try {
      event = decodeEvent(m.value);
      if (event.deviceId !== m.key)
        throw new ProvisioningError(
          ProvisioningErrorCode.InvalidEvent,
          `key ${JSON.stringify(m.key)} is not the event's device id`,
        );
    } catch (e) {
      // Retrying cannot make bytes valid: no attempts wasted on them (the bus would retry).
      if (e instanceof EventsError || ProvisioningError.is(e)) return deadLetter(m, e);
      throw e;
    }
    try {
      await service.handle(event);
    } catch (e) {
      if (e instanceof ProvisioningError && e.permanent) return deadLetter(m, e);
      logger.warn({ err: e, eventId: event.eventId, attempt: m.attempt }, 'event failed; retried');
      throw e;
    }
  };
}

/**
 * Starts the provisioning service over the given adapters: opens its collections (with indexes),
 * imports `profiles`, creates its topics and subscribes (group `provisioning`) to Informs, CPE
 * requests and RPC results.
 */
export async function startProvisioning(
  options: StartProvisioningOptions,
): Promise<ProvisioningHandle> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? silentLogger;
  const repositories = await openRepositories(options.store);
  const scripts = options.scripts ?? (await QuickJsScriptEvaluator.create());
  const profiles = new ProfileCatalog(
    repositories.profiles,
    clock,
    options.profileCacheTtlMs,
    scripts,
  );
  for (const p of options.profiles ?? []) await profiles.save(p, 'startup');
  const tasks = new TaskService(repositories.tasks, repositories.audit, clock);
  const service = new ProvisioningService({
    repos: repositories,
    catalog: profiles,
    sessions: options.sessions,
    bus: options.bus,
    clock,
    logger,
    scripts,
    options: {
      ...options.service,
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    },
  });
  const partitions = options.topicPartitions ?? 3;
  await options.bus.ensureTopics(
    [
      DEVICE_CHANGES_TOPIC,
      ...PROVISIONING_TOPICS,
      ...PROVISIONING_TOPICS.map(defaultDeadLetterTopic),
    ].map((name) => ({ name, partitions })),
  );
  let subscription: Subscription | undefined = await options.bus.subscribe({
    groupId: options.groupId ?? PROVISIONING_GROUP_ID,
    topics: PROVISIONING_TOPICS,
    handler: provisioningHandler(service, options.bus, logger),
    maxAttempts: options.maxAttempts ?? 8,
    retryBackoffMs: options.retryBackoffMs ?? 200,
  });
  logger.info({ groupId: options.groupId ?? PROVISIONING_GROUP_ID }, 'provisioning started');
  return {
    service,
    tasks,
    tags: new TagService(repositories, options.bus, clock, logger),
    faults: new FaultQuery(repositories.faults),
    profiles,
    repositories,
    stop: async () => {
      const s = subscription;
      subscription = undefined;
      await s?.stop();
    },
  };
}
