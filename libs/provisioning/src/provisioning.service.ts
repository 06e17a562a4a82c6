import type { EventBus } from '@acs/bus';
import type { CwmpMessage } from '@acs/cwmp';
import type { DeviceState, PlanPolicy, ScriptEvaluator, Task } from '@acs/domain';
import {
  applyInform,
  applyRpcResult,
  applyTransferComplete,
  DomainError,
  emptyDeviceState,
} from '@acs/domain';
import type {
  CpeRequestEventV1,
  CwmpEvent,
  InboxEntry,
  InformEventV1,
  RpcResultEventV1,
} from '@acs/events';
import { encodeInboxEntry } from '@acs/events';
import type { SessionRegistry } from '@acs/sessions';
import { StoreError, StoreErrorCode, type Versioned } from '@acs/store';
import { auditOfResult, type AuditDraft } from './audit.entries';
import type { DeviceChangeEventV1 } from './device-change.event';
import { changedParameters } from './device-change.event';
import type { DeviceDocument, LiveSession, Outbox, TaskUpdate } from './device.document';
import { loadSession, loadState, storeSession, storeState } from './device.document';
import { OutboxFlusher } from './outbox.flusher';
import type { ProfileCatalog } from './profile.catalog';
import type { Clock, ProvisioningLogger } from './provisioning.ports';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import type { ProvisioningRepositories } from './provisioning.repositories';
import { evaluateTasks, newSession, nextStep, outstandingEntries, pushKeyOf } from './session.step';
import { taskOf } from './task.service';

export interface ProvisioningOptions {
  /** TTL of the session inbox and of the push marker (ms). Default 120 s. */
  readonly inboxTtlMs: number;
  /** Plan steps per session at most. Default 32. */
  readonly maxSteps: number;
  /** Reload-and-retry rounds on an optimistic version conflict before the bus retries. Default 8. */
  readonly maxConflictRetries: number;
  /** Event ids kept per device for idempotency. Default 64. */
  readonly appliedEventsKept: number;
  readonly policy?: Partial<PlanPolicy>;
}

export const DEFAULT_PROVISIONING_OPTIONS: ProvisioningOptions = {
  inboxTtlMs: 120_000,
  maxSteps: 32,
  maxConflictRetries: 8,
  appliedEventsKept: 64,
};

export interface ProvisioningServiceDeps {
  readonly repos: ProvisioningRepositories;
  readonly catalog: ProfileCatalog;
  readonly sessions: SessionRegistry;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: ProvisioningLogger;
  /** Runs profile scripts; without it a profile with a script gets a script fault. */
  readonly scripts?: ScriptEvaluator;
  readonly options?: Partial<ProvisioningOptions>;
}

/** What applying one event does: the new state and session, and what follows from it. */
interface Mutation {
  readonly state: DeviceState;
  readonly session: LiveSession | undefined;
  readonly entries: readonly InboxEntry[];
  readonly audit: readonly AuditDraft[];
  readonly tasks: readonly TaskUpdate[];
  readonly change?: DeviceChangeEventV1;
  /** The session's `done` was pushed and a late CPE request re-planned it: drop the `done`. */
  readonly replanned?: boolean;
}

interface Current {
  readonly doc: Versioned<DeviceDocument> | undefined;
  readonly state: DeviceState | undefined;
  readonly session: LiveSession | undefined;
}

/** Change flags of an event that neither creates nor (re)boots the device. */
const NOT_LIFECYCLE = { created: false, boot: false, bootstrap: false } as const;

/** Key of the Redis record that says what was pushed to a session's inbox (see ensurePushed). */
export function pushMarkerKey(sessionId: string): string {
  return `provisioning:pushed:${sessionId}`;
}

/**
 * Applies CWMP events to the device store and drives each live session through the inbox.
 *
 * Idempotency: the event id is checked against, and recorded in, the device document in the same
 * optimistic write as the new state. The side effects of that write (audit, task status, fault
 * mirror, change event) are written in the document too (outbox) and carried out after it, so a
 * redelivery finishes them instead of recomputing them. A redelivered event of the live session
 * pushes the session's outstanding entries again unless the push marker shows they were pushed.
 */
export class ProvisioningService {
  private readonly options: ProvisioningOptions;
  private readonly flusher: OutboxFlusher;

  constructor(private readonly d: ProvisioningServiceDeps) {
    this.options = { ...DEFAULT_PROVISIONING_OPTIONS, ...d.options };
    this.flusher = new OutboxFlusher(d.repos, d.bus, d.logger);
  }

  async handle(event: CwmpEvent): Promise<void> {
    switch (event.schema) {
      case 'cwmp.inform.v1':
        return this.transact(event, (cur) => this.onInform(event, cur));
      case 'cwmp.rpc-result.v1':
        return this.transact(event, (cur) => this.onRpcResult(event, cur));
      case 'cwmp.request.v1':
        return this.transact(event, (cur) => this.onCpeRequest(event, cur));
      case 'cwmp.session.v1':
        return;
    }
  }

  private async transact(
    event: CwmpEvent,
    compute: (cur: Current) => Promise<Mutation | undefined>,
  ): Promise<void> {
    const devices = this.d.repos.devices;
    for (let attempt = 0; attempt < this.options.maxConflictRetries; attempt++) {
      let doc = await devices.findById(event.deviceId);
      if (doc?.appliedEvents.includes(event.eventId)) return this.redelivered(doc, event);
      if (doc?.outbox !== undefined && !doc.outbox.done) {
        // The previous event's effects were interrupted (crash, store outage): finish them first.
        doc = await this.flusher.flush(doc, loadState(doc.state, doc._id));
      }
      const cur: Current = {
        doc,
        state: doc === undefined ? undefined : loadState(doc.state, doc._id),
        session: loadSession(doc?.session),
      };
      const m = await compute(cur);
      if (m === undefined) return;
      const now = this.d.clock.now();
      const outbox = this.outboxOf(event, cur.state, m);
      const body: Omit<DeviceDocument, '_id'> = {
        state: storeState(m.state),
        appliedEvents: [...(doc?.appliedEvents ?? []), event.eventId].slice(
          -this.options.appliedEventsKept,
        ),
        ...(m.session === undefined ? {} : { session: storeSession(m.session) }),
        ...(outbox === undefined ? {} : { outbox }),
        createdAt: doc?.createdAt ?? now,
        updatedAt: now,
      };
      let written: Versioned<DeviceDocument>;
      try {
        written =
          doc === undefined
            ? await devices.insert({ _id: event.deviceId, ...body })
            : await devices.update(doc._id, doc._version, { $replace: body });
      } catch (e) {
        if (
          StoreError.is(e, StoreErrorCode.VersionConflict) ||
          StoreError.is(e, StoreErrorCode.DuplicateKey)
        ) {
          this.d.logger.debug(
            { deviceId: event.deviceId, attempt },
            'device changed meanwhile; retrying',
          );
          continue;
        }
        throw e;
      }
      await Promise.all([
        m.session === undefined || m.entries.length === 0
          ? undefined
          : this.push(m.session, m.entries, m.replanned === true),
        outbox === undefined ? undefined : this.flusher.flush(written, m.state),
      ]);
      return;
    }
    throw new ProvisioningError(
      ProvisioningErrorCode.Contention,
      `device ${event.deviceId} kept changing during ${event.eventId}`,
    );
  }

  /** The event was applied before (a redelivery): finish its effects, re-push if not pushed. */
  private async redelivered(doc: Versioned<DeviceDocument>, event: CwmpEvent): Promise<void> {
    this.d.logger.info({ deviceId: doc._id, eventId: event.eventId }, 'event already applied');
    if (doc.outbox?.eventId === event.eventId && !doc.outbox.done)
      await this.flusher.flush(doc, loadState(doc.state, doc._id));
    const session = loadSession(doc.session);
    if (session === undefined || session.sessionId !== event.sessionId) return;
    const marker = await this.d.sessions.getRecord(pushMarkerKey(session.sessionId));
    if (marker === pushKeyOf(session)) return;
    const entries = outstandingEntries(session);
    // A re-plan after a late CPE request may have been interrupted before its push: the `done`
    // pushed earlier may still wait in the inbox, in front of the entries (see onCpeRequest).
    if (entries.length > 0) await this.push(session, entries, event.schema === 'cwmp.request.v1');
  }

  private async push(
    session: LiveSession,
    entries: readonly InboxEntry[],
    replaceDone = false,
  ): Promise<void> {
    const ttl = this.options.inboxTtlMs;
    if (replaceDone) await this.d.sessions.clearInbox(session.sessionId);
    await this.d.sessions.pushInbox(session.sessionId, entries.map(encodeInboxEntry), ttl);
    // Only after the push succeeded: a marker without the entries would strand the session.
    await this.d.sessions.putRecord(pushMarkerKey(session.sessionId), pushKeyOf(session), ttl);
  }

  private async pendingTasks(deviceId: string): Promise<Task[]> {
    const page = await this.d.repos.tasks.find({ deviceId, status: 'pending' }, { limit: 200 });
    const tasks: Task[] = [];
    for (const d of page.items) {
      try {
        tasks.push(taskOf(d));
      } catch (e) {
        this.d.logger.warn({ err: e, taskId: d._id }, 'stored task unreadable; skipped');
      }
    }
    return tasks;
  }

  private async planStep(
    state: DeviceState,
    session: LiveSession,
    tasks: readonly TaskUpdate[],
  ): Promise<{
    state: DeviceState;
    session: LiveSession;
    entries: readonly InboxEntry[];
    tasks: TaskUpdate[];
  }> {
    const now = this.d.clock.now();
    const [profiles, stored] = await Promise.all([
      this.d.catalog.list(),
      this.pendingTasks(state.id),
    ]);
    const decided = new Set(tasks.map((t) => t.id));
    const { updates, pending } = evaluateTasks(
      stored.filter((t) => !decided.has(t.id)),
      state,
      now,
    );
    const step = nextStep(state, session, profiles, pending, {
      now,
      maxSteps: this.options.maxSteps,
      ...(this.d.scripts === undefined ? {} : { scripts: this.d.scripts }),
      ...(this.options.policy === undefined ? {} : { policy: this.options.policy }),
    });
    if (step.session.finished && session.step >= this.options.maxSteps)
      this.d.logger.warn(
        { deviceId: state.id, sessionId: session.sessionId },
        'plan did not converge; session ended',
      );
    return { ...step, tasks: [...tasks, ...updates] };
  }

  private async onInform(event: InformEventV1, cur: Current): Promise<Mutation> {
    const now = this.d.clock.now();
    const inform = event.inform;
    const events = inform.event.map((e) => e.eventCode);
    const before = cur.state;
    const base =
      before ??
      emptyDeviceState(event.deviceId, {
        oui: inform.deviceId.oui,
        productClass: inform.deviceId.productClass,
        serialNumber: inform.deviceId.serialNumber,
        manufacturer: inform.deviceId.manufacturer,
      });
    // TR-069 A.3.3.1 / 3.7.1.5: 0 BOOTSTRAP — applyInform forgets the cached model first.
    const informed = applyInform(base, inform, now);
    const step = await this.planStep(informed, newSession(event.sessionId, now, events), []);
    const bootstrap = events.includes('0 BOOTSTRAP');
    const audit: AuditDraft[] = [];
    if (before === undefined)
      audit.push({
        at: now,
        actor: 'provisioning',
        action: 'device.registered',
        details: { events },
      });
    else if (bootstrap)
      audit.push({
        at: now,
        actor: 'provisioning',
        action: 'device.bootstrap',
        details: { events },
      });
    return {
      state: step.state,
      session: step.session,
      entries: step.entries,
      audit,
      tasks: step.tasks,
      change: this.changeOf(event, 'inform', before, step.state, {
        created: before === undefined,
        boot: events.includes('1 BOOT'),
        bootstrap,
      }),
    };
  }

  private async onRpcResult(event: RpcResultEventV1, cur: Current): Promise<Mutation | undefined> {
    const { state, session } = cur;
    if (state === undefined || session === undefined || session.sessionId !== event.sessionId) {
      this.d.logger.info({ eventId: event.eventId }, 'rpc result of a session not live; ignored');
      return undefined;
    }
    const pending = session.batch.find((b) => b.rpcId === event.rpcId);
    if (pending === undefined || pending.answered) {
      this.d.logger.warn(
        { eventId: event.eventId, rpcId: event.rpcId },
        'rpc result not awaited; ignored',
      );
      return undefined;
    }
    const now = this.d.clock.now();
    const result: CwmpMessage =
      event.outcome.kind === 'response' ? event.outcome.response : event.outcome.fault;
    let next = state;
    try {
      next = applyRpcResult(state, pending.rpc, result, now, this.options.policy);
    } catch (e) {
      // The gateway checks the response type against the request; a mismatch is a bug upstream.
      if (!(e instanceof DomainError)) throw e;
      this.d.logger.warn({ err: e, eventId: event.eventId }, 'rpc result does not apply; ignored');
    }
    const batch = session.batch.map((b) =>
      b.rpcId === event.rpcId ? { ...b, answered: true } : b,
    );
    let s: LiveSession = { ...session, batch };
    let entries: readonly InboxEntry[] = [];
    let tasks: TaskUpdate[] = [];
    if (batch.every((b) => b.answered)) {
      const step = await this.planStep(next, s, []);
      next = step.state;
      s = step.session;
      entries = step.entries;
      tasks = step.tasks;
    }
    return {
      state: next,
      session: s,
      entries,
      audit: auditOfResult(pending.rpc, result, now),
      tasks,
      change: this.changeOf(event, 'rpc-result', state, next, NOT_LIFECYCLE),
    };
  }

  private async onCpeRequest(
    event: CpeRequestEventV1,
    cur: Current,
  ): Promise<Mutation | undefined> {
    const req = event.request;
    if (req.type !== 'TransferComplete') return undefined;
    const live = cur.session?.sessionId === event.sessionId ? cur.session : undefined;
    if (live === undefined && this.informPending(event, cur))
      throw new ProvisioningError(
        ProvisioningErrorCode.NotReady,
        `${event.eventId}: the Inform of session ${event.sessionId} is not applied yet`,
      );
    if (cur.state === undefined) return undefined;
    const now = this.d.clock.now();
    // TR-069 A.3.3.2: FaultCode 0 = the Download/Upload succeeded; otherwise a transfer fault.
    const applied = applyTransferComplete(cur.state, req, now, this.options.policy);
    if (applied === cur.state) return undefined;
    let next = applied;
    let session = cur.session;
    let entries: readonly InboxEntry[] = [];
    let tasks: TaskUpdate[] = [];
    let replanned = false;
    // The CPE sends its requests before the empty POST that makes the gateway read the inbox
    // (TR-069 3.7.1.1), so while the session is live a changed state can still be acted on in
    // it. A step still in flight is re-planned anyway once its results are in; a session whose
    // `done` was already pushed is re-planned now, and its `done` replaced when there is more to
    // do. (If the gateway already took the `done`, the entries expire with the inbox and the
    // next session plans the same.)
    if (live?.finished === true) {
      const step = await this.planStep(applied, { ...live, finished: false, batch: [] }, []);
      // The transfer's task is decided now even when there is nothing more to do, so a caller
      // waiting on it (API wake-up-and-wait) does not wait for the device's next session.
      tasks = step.tasks;
      if (!step.session.finished) {
        next = step.state;
        session = step.session;
        entries = step.entries;
        replanned = true;
      }
    } else if (live === undefined) {
      // No live session to plan in (the gateway already ended it): decide the tasks alone.
      tasks = evaluateTasks(await this.pendingTasks(applied.id), applied, now).updates;
    }
    return {
      state: next,
      session,
      entries,
      audit: [],
      tasks,
      ...(replanned ? { replanned } : {}),
      change: this.changeOf(event, 'cpe-request', cur.state, next, NOT_LIFECYCLE),
    };
  }

  /**
   * Whether the request belongs to a session newer than the device's live one, i.e. its Inform
   * (another topic) has not been applied yet. A request older than the live session is late and
   * is applied as it is. An Inform recorded as applied settles it; otherwise the gateway's event
   * time is compared with the live session's start (a clock skew larger than the time between
   * two sessions could hold a late request back until the bus dead-letters it; replayable).
   */
  private informPending(event: CpeRequestEventV1, cur: Current): boolean {
    if (cur.state === undefined) return true;
    // The gateway names a session's Inform event `<sessionId>/inform`: applied = not pending.
    if (cur.doc?.appliedEvents.includes(`${event.sessionId}/inform`) === true) return false;
    if (cur.session === undefined) return false;
    const at = Date.parse(event.occurredAt);
    return Number.isFinite(at) && at >= cur.session.startedAt;
  }

  private changeOf(
    event: CwmpEvent,
    cause: DeviceChangeEventV1['cause'],
    before: DeviceState | undefined,
    after: DeviceState,
    flags: { created: boolean; boot: boolean; bootstrap: boolean },
  ): DeviceChangeEventV1 | undefined {
    const { parameters, truncated } = changedParameters(before, after);
    const tagsChanged = JSON.stringify(before?.tags ?? []) !== JSON.stringify(after.tags);
    if (
      !flags.created &&
      !flags.boot &&
      !flags.bootstrap &&
      !tagsChanged &&
      parameters.length === 0
    )
      return undefined;
    return {
      schema: 'acs.device-change.v1',
      changeId: `${event.eventId}#change`,
      deviceId: after.id,
      sessionId: event.sessionId,
      occurredAt: new Date(this.d.clock.now()).toISOString(),
      cause,
      ...flags,
      ...(after.softwareVersion === undefined ? {} : { softwareVersion: after.softwareVersion }),
      tags: after.tags,
      tagsChanged,
      parameters,
      truncated,
    };
  }

  private outboxOf(
    event: CwmpEvent,
    before: DeviceState | undefined,
    m: Mutation,
  ): Outbox | undefined {
    const { changed, removed } = faultsDiff(before, m.state);
    if (
      m.audit.length === 0 &&
      m.tasks.length === 0 &&
      m.change === undefined &&
      changed.length === 0 &&
      removed.length === 0
    )
      return undefined;
    return {
      eventId: event.eventId,
      audit: [...m.audit, ...m.tasks.map((t) => taskAudit(t))].map((a, i) => ({
        ...a,
        _id: `${event.eventId}#${i}`,
        deviceId: event.deviceId,
        cause: event.eventId,
      })),
      tasks: m.tasks,
      faultsChanged: changed,
      faultsRemoved: removed,
      ...(m.change === undefined ? {} : { change: m.change }),
      done: false,
    };
  }
}

/** Fault keys whose record appeared or changed, and those gone, between two states. */
export function faultsDiff(
  before: DeviceState | undefined,
  after: DeviceState,
): { changed: string[]; removed: string[] } {
  const b = before?.faults ?? {};
  const changed: string[] = [];
  const removed: string[] = [];
  for (const k in after.faults) {
    const f = after.faults[k];
    // Records a reducer left alone keep their identity: no need to serialise those.
    if (!(k in b) || (f !== b[k] && JSON.stringify(f) !== JSON.stringify(b[k]))) changed.push(k);
  }
  for (const k in b) if (!(k in after.faults)) removed.push(k);
  return { changed, removed };
}

function taskAudit(t: TaskUpdate): AuditDraft {
  return {
    at: t.at,
    actor: 'provisioning',
    action: `task.${t.status}`,
    details: { taskId: t.id, ...(t.fault === undefined ? {} : { fault: t.fault }) },
  };
}
