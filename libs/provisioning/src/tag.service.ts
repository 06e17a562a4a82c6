import type { EventBus } from '@acs/bus';
import type { DeviceState } from '@acs/domain';
import { StoreError, StoreErrorCode, type Versioned } from '@acs/store';
import type { DeviceChangeEventV1 } from './device-change.event';
import type { AuditDocument, DeviceDocument, Outbox } from './device.document';
import { loadState } from './device.document';
import { OutboxFlusher } from './outbox.flusher';
import type { Clock, ProvisioningLogger } from './provisioning.ports';
import { silentLogger } from './provisioning.ports';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import type { ProvisioningRepositories } from './provisioning.repositories';
import { randomIds, type IdSource } from './task.service';

/** A tag: letters, digits and `_ . : @ / + -`, starting with a letter or digit, 1–64 chars. */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@/+-]{0,63}$/;
/** Tags one device may carry at most (they are copied into every change event). */
export const MAX_TAGS_PER_DEVICE = 100;

export interface TagChangeInput {
  readonly deviceId: string;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  /**
   * Idempotency key of the API call: a retried call with the same id changes nothing twice even
   * when the tags were changed by someone else in between. Without it, add/remove are still
   * idempotent as set operations.
   */
  readonly requestId?: string;
}

export interface TagsView {
  readonly deviceId: string;
  /** The device's tags after the call. */
  readonly tags: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** False when the call changed nothing (already so, or a repeated requestId). */
  readonly changed: boolean;
}

export interface TagServiceOptions {
  /** Reload-and-retry rounds on a version conflict. Default 8. */
  readonly maxConflictRetries?: number;
  /** Operation ids kept in `appliedEvents` (shared with the service's event ids). Default 64. */
  readonly appliedEventsKept?: number;
}

function checkTags(list: readonly string[] | undefined, what: string): readonly string[] {
  const tags = list ?? [];
  if (tags.length > MAX_TAGS_PER_DEVICE)
    throw new ProvisioningError(
      ProvisioningErrorCode.InvalidTags,
      `${what}: at most ${MAX_TAGS_PER_DEVICE} tags per call`,
    );
  const bad = tags.filter((t) => typeof t !== 'string' || !TAG_PATTERN.test(t));
  if (bad.length > 0)
    throw new ProvisioningError(
      ProvisioningErrorCode.InvalidTags,
      `${what}: invalid tag(s) ${bad
        .slice(0, 5)
        .map((t) => JSON.stringify(t))
        .join(', ')}`,
      bad.slice(0, 20).map((t) => `${what}: ${JSON.stringify(t)} does not match ${TAG_PATTERN}`),
    );
  return tags;
}

/**
 * Operator tags of a device (issue 5, point 3: profile filters match on them). A change is one
 * optimistic write on the device document — the tags, the operation id (idempotency, as for
 * CWMP events) and an outbox holding the audit entry and the `acs.device.changes` event — so a
 * change racing the provisioning service reloads and retries instead of losing either write.
 * The device's next session matches profiles against the new tags.
 */
export class TagService {
  private readonly flusher: OutboxFlusher;
  private readonly maxRetries: number;
  private readonly kept: number;

  constructor(
    private readonly repos: ProvisioningRepositories,
    bus: EventBus,
    private readonly clock: Clock,
    logger: ProvisioningLogger = silentLogger,
    private readonly ids: IdSource = randomIds,
    options: TagServiceOptions = {},
  ) {
    this.flusher = new OutboxFlusher(repos, bus, logger);
    this.maxRetries = options.maxConflictRetries ?? 8;
    this.kept = options.appliedEventsKept ?? 64;
  }

  /** @throws ProvisioningError DeviceNotFound */
  async get(deviceId: string): Promise<readonly string[]> {
    const doc = await this.repos.devices.findById(deviceId);
    if (doc === undefined) throw notFound(deviceId);
    return loadState(doc.state, deviceId).tags;
  }

  add(deviceId: string, tags: readonly string[], actor: string, requestId?: string) {
    return this.change(
      { deviceId, add: tags, ...(requestId === undefined ? {} : { requestId }) },
      actor,
    );
  }

  remove(deviceId: string, tags: readonly string[], actor: string, requestId?: string) {
    return this.change(
      { deviceId, remove: tags, ...(requestId === undefined ? {} : { requestId }) },
      actor,
    );
  }

  /**
   * Adds and removes tags in one write (a tag in both lists is refused).
   * @throws ProvisioningError InvalidTags, DeviceNotFound, Contention (the caller may retry)
   */
  async change(input: TagChangeInput, actor: string): Promise<TagsView> {
    const add = [...new Set(checkTags(input.add, 'add'))];
    const remove = [...new Set(checkTags(input.remove, 'remove'))];
    const both = add.filter((t) => remove.includes(t));
    if (both.length > 0)
      throw new ProvisioningError(
        ProvisioningErrorCode.InvalidTags,
        `tag(s) both added and removed: ${both.join(', ')}`,
      );
    if (input.requestId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(input.requestId))
      throw new ProvisioningError(
        ProvisioningErrorCode.InvalidTags,
        'requestId: 1–128 printable ASCII characters',
      );
    const opId = `tags:${input.requestId ?? this.ids.next()}`;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      let doc = await this.repos.devices.findById(input.deviceId);
      if (doc === undefined) throw notFound(input.deviceId);
      if (doc.appliedEvents.includes(opId)) {
        if (doc.outbox?.eventId === opId && !doc.outbox.done)
          await this.flusher.flush(doc, loadState(doc.state, doc._id));
        return unchanged(doc);
      }
      // Effects of the previous event or call not carried out yet: finish them before the
      // outbox is replaced by ours (as the service does before applying an event).
      if (doc.outbox !== undefined && !doc.outbox.done)
        doc = await this.flusher.flush(doc, loadState(doc.state, doc._id));
      const state = loadState(doc.state, doc._id);
      const added = add.filter((t) => !state.tags.includes(t));
      const removed = remove.filter((t) => state.tags.includes(t));
      if (added.length === 0 && removed.length === 0) return unchanged(doc);
      const tags = [...state.tags.filter((t) => !removed.includes(t)), ...added];
      if (tags.length > MAX_TAGS_PER_DEVICE)
        throw new ProvisioningError(
          ProvisioningErrorCode.InvalidTags,
          `${input.deviceId} would carry ${tags.length} tags (at most ${MAX_TAGS_PER_DEVICE})`,
        );
      const now = this.clock.now();
      const after: DeviceState = { ...state, tags };
      const outbox = this.outboxOf(opId, after, actor, now, added, removed);
      let written: Versioned<DeviceDocument>;
      try {
        written = await this.repos.devices.update(doc._id, doc._version, {
          $set: {
            'state.tags': tags,
            appliedEvents: [...doc.appliedEvents, opId].slice(-this.kept),
            outbox,
            updatedAt: now,
          },
        });
      } catch (e) {
        if (StoreError.is(e, StoreErrorCode.VersionConflict)) continue;
        throw e;
      }
      await this.flusher.flush(written, after);
      return { deviceId: doc._id, tags, added, removed, changed: true };
    }
    throw new ProvisioningError(
      ProvisioningErrorCode.Contention,
      `device ${input.deviceId} kept changing; tags not changed`,
    );
  }

  private outboxOf(
    opId: string,
    after: DeviceState,
    actor: string,
    now: number,
    added: readonly string[],
    removed: readonly string[],
  ): Outbox {
    const audit: AuditDocument = {
      _id: `${opId}#0`,
      deviceId: after.id,
      at: now,
      actor,
      action: 'tags.changed',
      cause: opId,
      details: { added, removed, tags: after.tags },
    };
    const change: DeviceChangeEventV1 = {
      schema: 'acs.device-change.v1',
      changeId: `${opId}#change`,
      deviceId: after.id,
      occurredAt: new Date(now).toISOString(),
      cause: 'api',
      created: false,
      boot: false,
      bootstrap: false,
      ...(after.softwareVersion === undefined ? {} : { softwareVersion: after.softwareVersion }),
      tags: after.tags,
      tagsChanged: true,
      parameters: [],
      truncated: false,
    };
    return {
      eventId: opId,
      audit: [audit],
      tasks: [],
      faultsChanged: [],
      faultsRemoved: [],
      change,
      done: false,
    };
  }
}

function notFound(deviceId: string): ProvisioningError {
  return new ProvisioningError(ProvisioningErrorCode.DeviceNotFound, `no device ${deviceId}`);
}

function unchanged(doc: Versioned<DeviceDocument>): TagsView {
  return {
    deviceId: doc._id,
    tags: loadState(doc.state, doc._id).tags,
    added: [],
    removed: [],
    changed: false,
  };
}
