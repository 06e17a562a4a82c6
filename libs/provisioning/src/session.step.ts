import type { InboxEntry } from '@acs/events';
import type {
  DeviceState,
  PathNode,
  PlanPolicy,
  Profile,
  ScriptEvaluator,
  Task,
} from '@acs/domain';
import { lexical, mergeDesired, plan, recordFindings, taskStatus } from '@acs/domain';
import type { LiveSession, PendingRpc, TaskUpdate } from './device.document';

// The pure part of driving a session: from the device state, the profiles and the pending tasks,
// the next batch of RPCs (or `done`), with rpcIds derived from the session id and the step so a
// recomputation after a redelivery names the same RPCs.

export interface StepOptions {
  readonly now: number;
  readonly policy?: Partial<PlanPolicy>;
  /** A session never takes more plan steps than this (a plan that does not converge ends). */
  readonly maxSteps: number;
  /** Runs profile scripts (`@acs/scripts`); without it a script profile is faulted. */
  readonly scripts?: ScriptEvaluator;
}

export interface StepResult {
  readonly state: DeviceState;
  readonly session: LiveSession;
  readonly entries: readonly InboxEntry[];
}

/** Stable per session and step: the same step of the same session always gets the same ids. */
export function rpcIdOf(sessionId: string, step: number, index: number): string {
  return `${sessionId}.${step}.${index}`;
}

export function newSession(
  sessionId: string,
  startedAt: number,
  events: readonly string[],
): LiveSession {
  return { sessionId, startedAt, events, step: 0, batch: [], finished: false, rpcCount: 0 };
}

/** Plans the next step of `session` and returns the inbox entries to push for it. */
export function nextStep(
  state: DeviceState,
  session: LiveSession,
  profiles: readonly Profile[],
  tasks: readonly Task[],
  options: StepOptions,
): StepResult {
  const finish = (s: DeviceState): StepResult => ({
    state: s,
    session: { ...session, batch: [], finished: true },
    entries: [{ kind: 'done' }],
  });
  if (session.step >= options.maxSteps) return finish(state);
  const desired = mergeDesired(state, profiles, tasks, {
    now: options.now,
    events: session.events,
    sessionStart: session.startedAt,
    ...(options.scripts === undefined ? {} : { scripts: options.scripts }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const p = plan(state, desired, {
    now: options.now,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const next = recordFindings(state, p);
  if (p.rpcs.length === 0) return finish(next);
  const step = session.step + 1;
  const batch: PendingRpc[] = p.rpcs.map((rpc, i) => ({
    rpcId: rpcIdOf(session.sessionId, step, i),
    rpc,
    answered: false,
  }));
  return {
    state: next,
    session: { ...session, step, batch, rpcCount: session.rpcCount + batch.length },
    entries: batch.map((b) => ({ kind: 'rpc', rpcId: b.rpcId, request: b.rpc.request })),
  };
}

/** What the session still waits on: the unanswered RPCs of its step, or `done`. */
export function outstandingEntries(session: LiveSession): InboxEntry[] {
  if (session.finished) return [{ kind: 'done' }];
  return session.batch
    .filter((b) => !b.answered)
    .map((b) => ({ kind: 'rpc', rpcId: b.rpcId, request: b.rpc.request }));
}

/** A marker of what was pushed for the session, to tell on a redelivery whether to push again. */
export function pushKeyOf(session: LiveSession): string {
  return session.finished ? 'done' : `step-${session.step}`;
}

/**
 * Tasks whose status the state now decides (done, faulted, expired), and the ones still pending
 * (which go into the desired state). A task is never run twice: `taskStatus` reads the state.
 */
export function evaluateTasks(
  tasks: readonly Task[],
  state: DeviceState,
  now: number,
): { updates: TaskUpdate[]; pending: Task[] } {
  const updates: TaskUpdate[] = [];
  const pending: Task[] = [];
  for (const t of tasks) {
    const s = taskStatus(t, state, now);
    switch (s.status) {
      case 'pending':
        pending.push(t);
        break;
      case 'expired':
        updates.push({ id: t.id, status: 'expired', at: now });
        break;
      case 'faulted':
        updates.push({
          id: t.id,
          status: 'faulted',
          at: now,
          fault: { code: s.code, message: s.message, target: s.target },
        });
        break;
      case 'done':
        updates.push({ id: t.id, status: 'done', at: now, result: resultOf(t, state, s.at) });
        break;
    }
  }
  return { updates, pending };
}

function resultOf(task: Task, state: DeviceState, at: number): Record<string, unknown> {
  const op = task.operation;
  if (op.kind !== 'getParameters' && op.kind !== 'refresh') return { at };
  const paths = op.kind === 'getParameters' ? op.paths : [op.path];
  const values: { path: string; value: string; type: string }[] = [];
  const add = (path: string, n: PathNode | undefined): void => {
    if (n?.kind === 'parameter' && n.value !== undefined)
      values.push({ path, value: lexical(n.value), type: n.value.type });
  };
  for (const p of paths) {
    // A parameter path names one node: look it up instead of scanning the whole model.
    if (!p.endsWith('.')) add(p, Object.hasOwn(state.nodes, p) ? state.nodes[p] : undefined);
    else for (const path in state.nodes) if (path.startsWith(p)) add(path, state.nodes[path]);
  }
  return { at, values };
}
