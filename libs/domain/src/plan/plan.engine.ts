import type { CwmpValue } from '@acs/cwmp';
import { resolveAliasPath } from '../device/alias.resolve';
import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import type {
  DesiredNotification,
  DesiredObject,
  DesiredState,
  TypedScalar,
} from '../desired/desired-state.types';
import { sameValue, toCwmpValue, typeFor, lexical } from '../value/value.convert';
import { DeviceView } from './device-view';
import {
  DEFAULT_PLAN_POLICY,
  type Plan,
  type PlanContext,
  type PlanItem,
  type PlannedRpc,
  type Skipped,
  type SkipReason,
} from './plan.types';
import { stableHash } from './stable-hash';
import { actionRpcs, deleteActions } from './plan.actions';
import {
  attributeRpcs,
  readRpcs,
  setRpcs,
  type AttributeEntry,
  type SetEntry,
} from './plan.batching';

// The diff engine: (device state, desired state, now) → the next batch of RPCs. It is iterated by
// the provisioning service — plan, send, apply the results with the reducers, plan again — until a
// plan is empty. Each call returns one step, in this order, because each needs the one before:
//   discover  GetParameterNames(NextLevel=true) on tables whose instances are unknown
//   read      GetParameterValues / GetParameterAttributes for unknown or stale values only
//   write     DeleteObject, AddObject, SetParameterValues, SetParameterAttributes
//   actions   Download, ScheduleInform, then FactoryReset or Reboot last (TR-069 A.3.2.9 Reboot,
//             A.4.1.6 FactoryReset: the CPE restarts once the session ends, so nothing may follow)
// Faults never block unrelated items: a faulted item is skipped (backoff) and the rest go on.

interface Want {
  /** The path to address the device with (may hold `[alias]`). */
  readonly address: string;
  /** The numbered path in the state. */
  readonly path: string;
  readonly desired: TypedScalar;
  readonly source: SourceRef;
  /** A fresh instance the ACS created: set without reading first. */
  readonly blind: boolean;
}

class PlanBuilder {
  readonly view: DeviceView;
  readonly skipped: Skipped[] = [];
  readonly findings: FaultRecord[] = [];
  readonly discover = new Map<string, PlanItem[]>();
  readonly reads = new Map<string, PlanItem[]>();
  readonly attrReads = new Map<string, PlanItem[]>();
  readonly deletes: PlannedRpc[] = [];
  readonly adds: PlannedRpc[] = [];
  readonly sets: SetEntry[] = [];
  readonly attrSets: AttributeEntry[] = [];
  readonly isolated = new Set<string>();

  /** Every table a desired object names, indexed together on first use. */
  private readonly tables: readonly string[];
  /** Instance lists from the view's one-pass index, for alias resolution. */
  private readonly lister = (table: string): readonly number[] =>
    this.view.instances(table, this.tables);

  constructor(
    readonly state: DeviceState,
    readonly desired: DesiredState,
    readonly ctx: PlanContext,
  ) {
    this.tables = desired.objects.map((o) => o.table);
    this.view = new DeviceView(
      state,
      ctx.now,
      { ...DEFAULT_PLAN_POLICY, ...ctx.policy },
      desired.refresh,
    );
  }

  skip(target: string, source: SourceRef, reason: SkipReason): void {
    this.skipped.push({ target, source, reason });
  }

  /** Gate an item on its faults; false (and recorded as skipped) when it must wait. */
  allowed(target: string, source: SourceRef): boolean {
    const g = this.view.gate(source, target);
    if (g === 'backoff' || g === 'loop') {
      this.skip(target, source, g);
      return false;
    }
    if (g === 'isolate') this.isolated.add(target);
    return true;
  }

  /** Queues a read; a path in backoff is skipped, a suspect of a failed batch read alone. */
  read(path: string, source: SourceRef, into = this.reads): void {
    if (!this.allowed(path, source)) return;
    let items = into.get(path);
    if (items === undefined) into.set(path, (items = []));
    items.push({ target: path, source });
  }

  // --- desired parameter values --------------------------------------------------------------

  want(w: Want): void {
    const { path, source } = w;
    if (!this.allowed(path, source)) return;
    if (this.view.missing(path)) return this.skip(path, source, 'absent');
    const node = this.view.node(path);
    const current = node?.kind === 'parameter' ? node.value : undefined;
    const stale =
      current !== undefined &&
      node?.kind === 'parameter' &&
      (node.valueReadAt ?? -Infinity) < this.view.horizon(path);
    if ((current === undefined || stale) && !w.blind) return this.read(path, source);
    const t = typeFor(this.state, path);
    // On a fresh instance, a parameter nobody knows the type of (not declared, not in the data
    // model) is read first: guessing xsd:string gets 9006 from devices that check types.
    if (current === undefined && w.desired.type === undefined && t.from === 'default')
      return this.read(path, source);
    const value = toCwmpValue(w.desired.value, w.desired.type ?? t.type, t.xsiType);
    if (value === undefined) return this.skip(path, source, 'invalidValue');
    if (current !== undefined && sameValue(current, value)) return;
    if (node?.kind === 'parameter' && node.lastSet !== undefined) {
      if (node.lastSet.drift >= this.view.policy.loopThreshold)
        return this.loop(path, source, value);
    }
    this.sets.push({
      value: { name: w.address, value },
      item: { target: path, source },
      isolate: this.isolated.has(path),
    });
  }

  private loop(path: string, source: SourceRef, value: CwmpValue): void {
    this.skip(path, source, 'loop');
    this.findings.push({
      source,
      target: path,
      kind: 'loop',
      method: 'SetParameterValues',
      code: 0,
      message: `set to ${lexical(value)} and read back different ${this.view.policy.loopThreshold} times`,
      retries: 0,
      firstAt: this.ctx.now,
      lastAt: this.ctx.now,
      nextRetryAt: null,
    });
  }

  values(): void {
    // A path declared twice (a wildcard and a number, an alias and a number) is set once, by the
    // first declaration: the desired map is in precedence order.
    const seen = new Set<string>();
    for (const v of this.desired.values.values())
      for (const address of this.expandWildcards(v.path, v.source)) {
        const path = address.includes('[')
          ? resolveAliasPath(this.state, address, this.lister)
          : address;
        if (path === undefined) {
          this.skip(address, v.source, 'unresolvedAlias');
          continue;
        }
        if (seen.has(path)) continue;
        seen.add(path);
        this.want({ address, path, desired: v, source: v.source, blind: false });
      }
  }

  /**
   * `A.*.B` → `A.1.B`, `A.2.B`… over the known instances of table `A.` (after discovering it).
   * Nothing is planned for the path until the table's instances are known.
   */
  expandWildcards(path: string, source: SourceRef): string[] {
    const i = path.indexOf('.*.');
    if (i < 0) return [path];
    const table = path.slice(0, i + 1);
    const rest = path.slice(i + 3);
    if (this.view.missing(table)) {
      this.skip(path, source, 'absent');
      return [];
    }
    const node = this.view.node(table);
    if (node?.kind !== 'object' || node.childrenReadAt === undefined) {
      this.discoverTable(table, source);
      return [];
    }
    return this.view
      .instances(table, this.tables)
      .flatMap((n) => this.expandWildcards(`${table}${n}.${rest}`, source));
  }

  discoverTable(table: string, source: SourceRef): void {
    let items = this.discover.get(table);
    if (items === undefined) this.discover.set(table, (items = []));
    items.push({ target: table, source });
  }

  // --- object instances ----------------------------------------------------------------------

  objects(aliasSupport: boolean | undefined): void {
    for (const o of this.desired.objects) this.object(o, aliasSupport);
  }

  private object(o: DesiredObject, aliasSupport: boolean | undefined): void {
    const { table, source } = o;
    if (!this.allowed(table, source)) return;
    if (this.view.missing(table)) return this.skip(table, source, 'absent');
    const tableNode = this.view.node(table);
    if (tableNode?.kind !== 'object' || tableNode.childrenReadAt === undefined)
      return this.discoverTable(table, source);
    if (o.alias !== undefined && aliasSupport === undefined && this.state.root !== undefined) {
      // Whether `[alias]` addressing may be used decides how the instance is matched and named.
      return this.read(`${this.state.root}ManagementServer.AliasBasedAddressing`, source);
    }
    const useAlias = o.alias !== undefined && aliasSupport === true;
    const keys: [string, TypedScalar][] = Object.entries(o.key).map(([k, v]) => [k, { value: v }]);
    if (useAlias && o.alias !== undefined) keys.push(['Alias', { value: o.alias }]);
    const instances = this.view.instances(table, this.tables);
    const matches: number[] = [];
    let pending = false;
    for (const n of instances) {
      const inst = this.view.node(`${table}${n}.`);
      if (inst?.kind === 'object' && inst.createdFor !== undefined && inst.createdFor === o.id) {
        matches.unshift(n);
        continue;
      }
      if (o.createOnly === true || keys.length === 0) continue;
      let all = true;
      for (const [k, want] of keys) {
        const p = `${table}${n}.${k}`;
        const node = this.view.node(p);
        const cur = node?.kind === 'parameter' ? node.value : undefined;
        if (cur === undefined) {
          if (!this.view.missing(p)) {
            this.read(p, source);
            pending = true;
          }
          all = false;
          continue;
        }
        const t = typeFor(this.state, p);
        const v = toCwmpValue(want.value, t.type, t.xsiType);
        if (v === undefined || !sameValue(cur, v)) all = false;
      }
      if (all) matches.push(n);
    }
    if (pending) {
      // Match once every instance's key is known, or a duplicate could be added. The desired
      // children of instances are read in the same step, saving a round trip once one matches.
      for (const n of instances)
        for (const rel of Object.keys(o.values)) {
          const p = `${table}${n}.${rel}`;
          const node = this.view.node(p);
          if ((node?.kind !== 'parameter' || node.value === undefined) && !this.view.missing(p))
            this.read(p, source);
        }
      return;
    }
    if (!o.present) {
      for (const n of matches) this.deleteInstance(o, n, useAlias);
      return;
    }
    const n = matches[0];
    if (n === undefined) return this.addInstance(o, useAlias, tableNode.writable);
    const inst = this.view.node(`${table}${n}.`);
    const blind = inst?.kind === 'object' && inst.createdFor === o.id;
    const base = `${table}${n}.`;
    const address = useAlias ? `${table}[${o.alias ?? ''}].` : base;
    const children: [string, TypedScalar][] = [...Object.entries(o.values)];
    // A fresh instance gets its key parameters set too (they identify it from then on).
    if (blind) for (const [k, v] of keys) if (k !== 'Alias') children.push([k, v]);
    for (const [rel, v] of children)
      this.want({ address: `${address}${rel}`, path: `${base}${rel}`, desired: v, source, blind });
  }

  private addInstance(o: DesiredObject, useAlias: boolean, writable: boolean | undefined): void {
    if (writable === false) return this.skip(o.table, o.source, 'notWritable');
    const objectName = useAlias ? `${o.table}[${o.alias ?? ''}].` : o.table;
    this.adds.push({
      request: {
        type: 'AddObject',
        objectName,
        parameterKey: stableHash(`add|${objectName}|${o.id}`),
      },
      purpose: 'addObject',
      items: [{ target: o.table, source: o.source }],
      createdFor: o.id,
    });
  }

  private deleteInstance(o: DesiredObject, n: number, useAlias: boolean): void {
    const objectName = useAlias ? `${o.table}[${o.alias ?? ''}].` : `${o.table}${n}.`;
    this.deletes.push({
      request: {
        type: 'DeleteObject',
        objectName,
        parameterKey: stableHash(`delete|${objectName}`),
      },
      purpose: 'deleteObject',
      items: [{ target: `${o.table}${n}.`, source: o.source }],
    });
  }

  // --- refresh, notifications --------------------------------------------------------------

  refresh(): void {
    for (const r of this.desired.refresh) {
      if (!this.allowed(r.path, r.source)) continue;
      if (this.view.missing(r.path)) {
        this.skip(r.path, r.source, 'absent');
        continue;
      }
      if (r.path.endsWith('.')) {
        if (this.view.subtreeStale(r.path, r.notBefore)) this.read(r.path, r.source);
        continue;
      }
      const n = this.view.node(r.path);
      const at =
        n?.kind === 'parameter' && n.value !== undefined ? (n.valueReadAt ?? -Infinity) : -Infinity;
      if (at < r.notBefore) this.read(r.path, r.source);
    }
  }

  notifications(): void {
    const seen = new Set<string>();
    for (const d of this.desired.notifications.values())
      for (const address of this.expandWildcards(d.path, d.source))
        this.notification(d, address, seen);
  }

  private notification(d: DesiredNotification, address: string, seen: Set<string>): void {
    const path = address.includes('[')
      ? resolveAliasPath(this.state, address, this.lister)
      : address;
    if (path === undefined) return this.skip(address, d.source, 'unresolvedAlias');
    if (seen.has(path)) return;
    seen.add(path);
    if (!this.allowed(path, d.source)) return;
    if (this.view.missing(path)) return this.skip(path, d.source, 'absent');
    const n = this.view.node(path);
    if (n?.kind !== 'parameter' || n.attributesReadAt === undefined)
      return this.read(path, d.source, this.attrReads);
    if (n.notification === d.notification) return;
    this.attrSets.push({
      attr: {
        name: address,
        notificationChange: true,
        notification: d.notification,
        accessListChange: false,
        accessList: [],
      },
      item: { target: path, source: d.source },
    });
  }
}

/**
 * The next step to bring `state` to `desired`. Pure: same inputs, same plan. An empty `rpcs`
 * (phase `done`) means the device has everything that can be done now.
 */
export function plan(state: DeviceState, desired: DesiredState, ctx: PlanContext): Plan {
  const b = new PlanBuilder(state, desired, ctx);
  const aliasNeeded = desired.objects.some((o) => o.alias !== undefined);
  b.objects(aliasNeeded ? b.view.aliasSupport() : undefined);
  b.values();
  b.refresh();
  b.notifications();
  const done = (phase: Plan['phase'], rpcs: PlannedRpc[]): Plan => ({
    phase: rpcs.length === 0 ? 'done' : phase,
    rpcs,
    skipped: b.skipped,
    findings: desired.findings === undefined ? b.findings : [...desired.findings, ...b.findings],
    conflicts: desired.conflicts,
    ...(desired.resolved === undefined || desired.resolved.length === 0
      ? {}
      : { resolved: desired.resolved }),
  });
  if (b.discover.size > 0) {
    const rpcs: PlannedRpc[] = [...b.discover.entries()]
      .sort(([a], [c]) => (a < c ? -1 : 1))
      .map(([parameterPath, items]) => ({
        request: { type: 'GetParameterNames', parameterPath, nextLevel: true },
        purpose: 'discover',
        items,
      }));
    return done('discover', rpcs);
  }
  if (b.reads.size > 0 || b.attrReads.size > 0)
    return done('read', [
      ...readRpcs(b.reads, 'read', b.isolated, b.view.policy.maxNamesPerRpc),
      ...readRpcs(b.attrReads, 'readAttributes', b.isolated, b.view.policy.maxNamesPerRpc),
    ]);
  const writes = [
    ...b.deletes,
    ...deleteActions(b, desired.actions),
    ...b.adds,
    ...setRpcs(b.sets, b.view.policy.maxNamesPerRpc),
    ...attributeRpcs(b.attrSets, b.view.policy.maxNamesPerRpc),
  ];
  if (writes.length > 0) return done('write', writes);
  return done('actions', actionRpcs(b, desired.actions));
}
