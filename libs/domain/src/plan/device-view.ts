import { instancesOf } from '../device/alias.resolve';
import type { DeviceState, FaultRecord, PathNode, SourceRef } from '../device/device-state.types';
import { faultKey } from '../device/device-state.types';
import type { DesiredRefresh } from '../desired/desired-state.types';
import type { PlanPolicy } from './plan.types';

/** Whether (and why) a fault holds a piece of desired state back. */
export type FaultGate = 'clear' | 'isolate' | 'backoff' | 'loop';

/**
 * Read-only queries over a DeviceState for one plan computation, with per-call caches (table
 * instance lists, refresh horizons) so a plan over thousands of paths stays linear.
 */
export class DeviceView {
  private readonly instanceCache = new Map<string, number[]>();
  private readonly hasAbsent: boolean;
  private readonly hasFaults: boolean;
  private readonly paramRefresh = new Map<string, number>();
  private readonly objectRefresh: { path: string; notBefore: number }[] = [];

  constructor(
    readonly state: DeviceState,
    readonly now: number,
    readonly policy: PlanPolicy,
    refresh: readonly DesiredRefresh[],
  ) {
    this.hasAbsent = Object.keys(state.absent).length > 0;
    this.hasFaults = Object.keys(state.faults).length > 0;
    for (const r of refresh) {
      if (r.path.endsWith('.')) {
        const same = this.objectRefresh.find((o) => o.path === r.path);
        if (same === undefined) this.objectRefresh.push({ path: r.path, notBefore: r.notBefore });
        else same.notBefore = Math.max(same.notBefore, r.notBefore);
      } else
        this.paramRefresh.set(
          r.path,
          Math.max(this.paramRefresh.get(r.path) ?? -Infinity, r.notBefore),
        );
    }
  }

  node(path: string): PathNode | undefined {
    return this.state.nodes[path];
  }

  instances(table: string): number[] {
    let list = this.instanceCache.get(table);
    if (list === undefined) this.instanceCache.set(table, (list = instancesOf(this.state, table)));
    return list;
  }

  fault(source: SourceRef, target: string): FaultRecord | undefined {
    return this.hasFaults ? this.state.faults[faultKey(source, target)] : undefined;
  }

  gate(source: SourceRef, target: string): FaultGate {
    const f = this.fault(source, target);
    if (f === undefined) return 'clear';
    if (f.kind === 'loop') {
      // A loop fault holds until the profile is changed (new version).
      const sameVersion =
        f.source.kind !== 'profile' ||
        source.kind !== 'profile' ||
        f.source.version === source.version;
      return sameVersion ? 'loop' : 'clear';
    }
    if (f.nextRetryAt === null) return 'loop';
    if (f.isolate === true) return 'isolate';
    return this.now < f.nextRetryAt ? 'backoff' : 'clear';
  }

  /**
   * True when the device does not have `path`: it (or an ancestor) faulted 9005, or an ancestor
   * whose children were discovered does not list the next segment.
   */
  missing(path: string): boolean {
    const nodes = this.state.nodes;
    if (this.hasAbsent && path in this.state.absent) return true;
    let i = path.indexOf('.');
    while (i >= 0 && i < path.length - 1) {
      const prefix = path.slice(0, i + 1);
      if (this.hasAbsent && prefix in this.state.absent) return true;
      const n = nodes[prefix];
      if (n?.kind === 'object' && n.childrenReadAt !== undefined) {
        const j = path.indexOf('.', i + 1);
        const child = j < 0 ? path : path.slice(0, j + 1);
        if (nodes[child] === undefined) return true;
      }
      i = path.indexOf('.', i + 1);
    }
    return false;
  }

  /** The time before which a read of `path` is stale (−∞ = any read is fresh enough). */
  horizon(path: string): number {
    let h = this.paramRefresh.get(path) ?? -Infinity;
    for (const o of this.objectRefresh)
      if (o.notBefore > h && path.startsWith(o.path)) h = o.notBefore;
    return h;
  }

  /** An object refresh is stale when no parameter under it is known or any was read too early. */
  subtreeStale(prefix: string, notBefore: number): boolean {
    let any = false;
    for (const p in this.state.nodes) {
      if (!p.startsWith(prefix)) continue;
      const n = this.state.nodes[p];
      if (n?.kind !== 'parameter') continue;
      any = true;
      if ((n.valueReadAt ?? -Infinity) < notBefore) return true;
    }
    return !any;
  }

  objectRefreshes(): readonly { path: string; notBefore: number }[] {
    return this.objectRefresh;
  }

  /** TR-181/TR-098 ManagementServer.AliasBasedAddressing: true/false, or undefined if unread. */
  aliasSupport(): boolean | undefined {
    const root = this.state.root;
    if (root === undefined) return undefined;
    const path = `${root}ManagementServer.AliasBasedAddressing`;
    if (this.missing(path)) return false;
    const n = this.state.nodes[path];
    if (n?.kind !== 'parameter' || n.value === undefined) return undefined;
    const v = n.value;
    return v.type === 'boolean'
      ? v.value
      : v.type === 'string' && (v.value === 'true' || v.value === '1');
  }
}
