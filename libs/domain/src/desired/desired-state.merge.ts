import type { NotificationValue } from '@acs/cwmp';
import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import { faultKey } from '../device/device-state.types';
import { matchesFilter } from '../profile/filter.matcher';
import type { DeclaredValue, Profile } from '../profile/profile.schema';
import { parseCron, previousTick, type CronSpec } from '../profile/schedule';
import { expandTemplate, templateValues, type TemplateVariable } from '../profile/template.expand';
import { stableHash } from '../plan/stable-hash';
import { DEFAULT_PLAN_POLICY, type PlanPolicy } from '../plan/plan.types';
import { parseScriptOutput, scriptFault, scriptRequest } from '../script/script.declarations';
import {
  SCRIPT_TARGET,
  ScriptFaultCode,
  type ScriptEvaluator,
  type ScriptRun,
} from '../script/script.types';
import type { Task } from '../task/task.schema';
import type { ScriptOutput } from '../script/script.declarations';

type ScriptDeclaredValue = ScriptOutput['parameters'][string];
import type {
  Conflict,
  DesiredAction,
  DesiredNotification,
  DesiredObject,
  DesiredRefresh,
  DesiredState,
  DesiredValue,
  TypedScalar,
} from './desired-state.types';

// Merges the declarations that apply to one device into one DesiredState. Precedence: pending
// tasks (newest first: an operator's explicit request beats a standing policy), then profiles by
// priority (higher first) and name (ascending). The first declaration of a target wins; a later
// one with a different value is reported as a conflict, never silently blended.

export interface MergeContext {
  readonly now: number;
  /** Event codes of the current session's Inform; default: the state's lastEvents. */
  readonly events?: readonly string[];
  /** When the current session began; default: the state's lastInform. */
  readonly sessionStart?: number;
  /** Runs profile scripts; without it a profile's script is a fault (`Unavailable`). */
  readonly scripts?: ScriptEvaluator;
  /** Backoff of script faults (as for CPE faults). */
  readonly policy?: Partial<PlanPolicy>;
}

export function comparePrecedence(a: Profile, b: Profile): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Profiles whose filter holds for the device, in precedence order. */
export function matchingProfiles(state: DeviceState, profiles: readonly Profile[]): Profile[] {
  return profiles.filter((p) => matchesFilter(state, p.filter)).sort(comparePrecedence);
}

const cronCache = new Map<string, CronSpec>();
function cronOf(expr: string): CronSpec {
  let spec = cronCache.get(expr);
  if (spec === undefined) {
    spec = parseCron(expr);
    if (cronCache.size > 1000) cronCache.clear();
    cronCache.set(expr, spec);
  }
  return spec;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class Merger {
  readonly values = new Map<string, DesiredValue>();
  readonly objects = new Map<string, DesiredObject>();
  readonly notifications = new Map<string, DesiredNotification>();
  readonly refresh: DesiredRefresh[] = [];
  readonly actions: DesiredAction[] = [];
  readonly conflicts: Conflict[] = [];
  readonly findings: FaultRecord[] = [];
  readonly resolved: string[] = [];
  private readonly vars: Record<TemplateVariable, string>;
  private readonly events: readonly string[];
  private readonly sessionStart: number;
  private firmware: { version: string; source: SourceRef } | undefined;

  constructor(
    private readonly state: DeviceState,
    private readonly ctx: MergeContext,
  ) {
    this.vars = templateValues(state);
    this.events = ctx.events ?? state.lastEvents;
    this.sessionStart = ctx.sessionStart ?? state.lastInform ?? ctx.now;
  }

  private expand<T>(v: T): T {
    return (typeof v === 'string' ? expandTemplate(v, this.vars) : v) as T;
  }

  private typed(v: DeclaredValue): TypedScalar {
    return typeof v === 'object'
      ? { value: this.expand(v.value), type: v.type }
      : { value: this.expand(v) };
  }

  addValue(path: string, declared: DeclaredValue, source: SourceRef): void {
    this.addTyped(path, this.typed(declared), source);
  }

  private addTyped(path: string, t: TypedScalar, source: SourceRef): void {
    const prev = this.values.get(path);
    if (prev === undefined) this.values.set(path, { path, ...t, source });
    else if (!same([prev.value, prev.type], [t.value, t.type]))
      this.conflicts.push({ what: 'parameter', target: path, winner: prev.source, loser: source });
  }

  addObject(o: Omit<DesiredObject, 'id'>, id?: string): void {
    const key = Object.entries(o.key).sort(([a], [b]) => (a < b ? -1 : 1));
    const oid = id ?? `${o.table}|${stableHash(JSON.stringify([key, o.alias ?? null]))}`;
    const prev = this.objects.get(oid);
    if (prev === undefined) this.objects.set(oid, { ...o, id: oid });
    else if (!same([prev.present, prev.values], [o.present, o.values]))
      this.conflicts.push({ what: 'object', target: oid, winner: prev.source, loser: o.source });
  }

  addNotification(path: string, notification: NotificationValue, source: SourceRef): void {
    const prev = this.notifications.get(path);
    if (prev === undefined) this.notifications.set(path, { path, notification, source });
    else if (prev.notification !== notification)
      this.conflicts.push({
        what: 'notification',
        target: path,
        winner: prev.source,
        loser: source,
      });
  }

  profile(p: Profile): void {
    const source: SourceRef = { kind: 'profile', name: p.name, version: p.version };
    for (const [path, v] of Object.entries(p.parameters)) this.addValue(path, v, source);
    for (const o of p.objects) {
      const values: Record<string, TypedScalar> = {};
      for (const [k, v] of Object.entries(o.parameters)) values[k] = this.typed(v);
      const key: Record<string, string | number | boolean> = {};
      for (const [k, v] of Object.entries(o.key)) key[k] = this.expand(v);
      this.addObject({
        table: o.path,
        key,
        ...(o.alias === undefined ? {} : { alias: this.expand(o.alias) }),
        present: o.present,
        values,
        source,
      });
    }
    for (const [path, n] of Object.entries(p.notifications))
      this.addNotification(path, n as NotificationValue, source);
    for (const r of p.refresh)
      this.refresh.push({ path: r.path, notBefore: this.ctx.now - r.maxAge * 1000, source });
    if (p.firmware !== undefined) this.firmwareOf(p, source);
    p.actions.forEach((a, i) => {
      const key = `profile:${p.name}:${a.id ?? `${a.action}-${i}`}`;
      if (!this.due(key, a.on)) return;
      // TR-069 A.4.1.2: DelaySeconds must be > 0 (a CPE faults 9003 on 0): 1 when not declared.
      if (a.action === 'scheduleInform')
        this.actions.push({ kind: a.action, key, delaySeconds: a.delaySeconds ?? 1, source });
      else this.actions.push({ kind: a.action, key, source });
    });
    if (p.script !== undefined) this.script(p, source);
  }

  /**
   * A profile's script: its declarations merge as the profile's own (same source, so the same
   * precedence against other profiles; the profile's static declarations come first). A failure
   * is a `script` fault on this profile only — the rest of the profile and every other profile
   * still apply — retried after a backoff, and cleared by the next run that succeeds.
   */
  private script(p: Profile, source: SourceRef): void {
    const spec = p.script;
    if (spec === undefined) return;
    const key = faultKey(source, SCRIPT_TARGET);
    const prev = this.state.faults[key];
    const sameVersion =
      prev?.source.kind === 'profile' &&
      prev.source.version === p.version &&
      prev.kind === 'script';
    // A script that failed on this version is not run again before its retry time: a runaway
    // script costs its time limit once per backoff, not once per plan step.
    if (sameVersion && prev.nextRetryAt !== null && prev.nextRetryAt > this.ctx.now) return;
    const run: ScriptRun =
      this.ctx.scripts === undefined
        ? {
            ok: false,
            code: ScriptFaultCode.Unavailable,
            message: 'no script evaluator configured',
          }
        : this.ctx.scripts.evaluate(
            scriptRequest(this.state, p, spec, this.events, this.sessionStart),
          );
    const policy = { ...DEFAULT_PLAN_POLICY, ...this.ctx.policy };
    if (!run.ok) {
      this.findings.push(scriptFault(prev, source, run.code, run.message, this.ctx.now, policy));
      return;
    }
    const parsed = parseScriptOutput(run.output);
    if (!parsed.ok) {
      const message = `declarations invalid: ${parsed.issues.join('; ')}`;
      this.findings.push(
        scriptFault(prev, source, ScriptFaultCode.Invalid, message, this.ctx.now, policy),
      );
      return;
    }
    if (prev !== undefined) this.resolved.push(key);
    const out = parsed.output;
    const typed = (v: ScriptDeclaredValue): TypedScalar =>
      typeof v === 'object' ? { value: v.value, type: v.type } : { value: v };
    for (const [path, v] of Object.entries(out.parameters)) this.addTyped(path, typed(v), source);
    for (const o of out.objects) {
      const values: Record<string, TypedScalar> = {};
      for (const [k, v] of Object.entries(o.parameters)) values[k] = typed(v);
      this.addObject({
        table: o.path,
        key: o.key,
        ...(o.alias === undefined ? {} : { alias: o.alias }),
        present: o.present,
        values,
        source,
      });
    }
    for (const [path, n] of Object.entries(out.notifications))
      this.addNotification(path, n as NotificationValue, source);
    for (const a of out.actions) {
      const actionKey = `profile:${p.name}:script:${a.id}`;
      if (this.state.actionRuns[actionKey] !== undefined) continue;
      if (a.action === 'scheduleInform')
        this.actions.push({
          kind: a.action,
          key: actionKey,
          delaySeconds: a.delaySeconds ?? 1,
          source,
        });
      else this.actions.push({ kind: a.action, key: actionKey, source });
    }
  }

  private firmwareOf(p: Profile, source: SourceRef): void {
    const fw = p.firmware;
    if (fw === undefined) return;
    if (this.firmware !== undefined) {
      if (this.firmware.version !== fw.version)
        this.conflicts.push({
          what: 'firmware',
          target: 'firmware',
          winner: this.firmware.source,
          loser: source,
        });
      return;
    }
    this.firmware = { version: fw.version, source };
    if (this.state.softwareVersion === fw.version) return;
    const { version, ...file } = fw;
    this.actions.push({
      kind: 'download',
      key: `firmware:${version}`,
      // TR-069 A.3.2.8: CommandKey ≤ 32 chars; deterministic so a retry reuses it.
      commandKey: `fw-${stableHash(`${version}|${fw.url}`)}`,
      version,
      file: { ...file, url: this.expand(file.url) },
      source,
    });
  }

  /** Whether a triggered action should run in this session (and has not run yet). */
  private due(key: string, on: Profile['actions'][number]['on']): boolean {
    const last = this.state.actionRuns[key];
    if ('events' in on)
      return (
        on.events.some((e) => this.events.includes(e)) && (last ?? -Infinity) < this.sessionStart
      );
    if ('every' in on) {
      // Never run: count from the first contact, so a new device is not acted on at once.
      const from = last ?? this.state.lastBootstrap ?? -Infinity;
      return this.ctx.now - from >= on.every * 1000;
    }
    const tick = previousTick(cronOf(on.cron), this.ctx.now);
    return (
      tick !== undefined && this.ctx.now - tick <= on.window * 1000 && (last ?? -Infinity) < tick
    );
  }

  task(t: Task): void {
    const source: SourceRef = { kind: 'task', id: t.id };
    const key = `task:${t.id}`;
    const op = t.operation;
    switch (op.kind) {
      case 'getParameters':
        for (const path of op.paths) this.refresh.push({ path, notBefore: t.createdAt, source });
        return;
      case 'refresh':
        this.refresh.push({ path: op.path, notBefore: t.createdAt, source });
        return;
      case 'setParameters':
        for (const [path, v] of Object.entries(op.values)) this.addValue(path, v, source);
        return;
      case 'addObject': {
        const values: Record<string, TypedScalar> = {};
        for (const [k, v] of Object.entries(op.parameters)) values[k] = this.typed(v);
        this.addObject(
          { table: op.path, key: {}, present: true, values, source, createOnly: true },
          key,
        );
        return;
      }
      case 'deleteObject':
        if (this.state.actionRuns[key] === undefined)
          this.actions.push({ kind: 'deleteObject', key, path: op.path, source });
        return;
      case 'reboot':
      case 'factoryReset':
        if (this.state.actionRuns[key] === undefined)
          this.actions.push({ kind: op.kind, key, source });
        return;
      case 'download':
        if (this.state.actionRuns[key] === undefined)
          this.actions.push({
            kind: 'download',
            key,
            commandKey: `task-${t.id}`.slice(0, 32),
            file: { ...op.file, url: this.expand(op.file.url) },
            source,
          });
        return;
      case 'upload': {
        if (this.state.actionRuns[key] !== undefined) return;
        const { commandKey, ...file } = op.file;
        this.actions.push({
          kind: 'upload',
          key,
          // Unique per task so its TransferComplete finds it; the caller's key when given.
          commandKey: commandKey === '' ? `task-${t.id}`.slice(0, 32) : commandKey,
          file,
          source,
        });
        return;
      }
      case 'scheduleInform':
        if (this.state.actionRuns[key] === undefined)
          this.actions.push({
            kind: 'scheduleInform',
            key,
            delaySeconds: op.delaySeconds,
            commandKey: op.commandKey,
            source,
          });
        return;
    }
  }

  result(): DesiredState {
    return {
      values: this.values,
      objects: [...this.objects.values()],
      notifications: this.notifications,
      refresh: this.refresh,
      actions: this.actions,
      conflicts: this.conflicts,
      ...(this.findings.length === 0 ? {} : { findings: this.findings }),
      ...(this.resolved.length === 0 ? {} : { resolved: this.resolved }),
    };
  }
}

/**
 * The desired state for `state` from every profile (filtered here) and the device's tasks (those
 * expired or addressed to another device are ignored). Pure; `ctx.now` is the only clock.
 */
export function mergeDesired(
  state: DeviceState,
  profiles: readonly Profile[],
  tasks: readonly Task[],
  ctx: MergeContext,
): DesiredState {
  const m = new Merger(state, ctx);
  const live = tasks
    .filter((t) => t.deviceId === state.id && (t.expiresAt === undefined || t.expiresAt > ctx.now))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  for (const t of live) m.task(t);
  for (const p of matchingProfiles(state, profiles)) m.profile(p);
  return m.result();
}
