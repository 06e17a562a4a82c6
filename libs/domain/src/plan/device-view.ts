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
  private readonly objectRefresh = new Map<string, number>();

  constructor(
    readonly state: DeviceState,
    readonly now: number,
    readonly policy: PlanPolicy,
    refresh: readonly DesiredRefresh[],
  ) {
    this.hasAbsent = Object.keys(state.absent).length > 0;
    this.hasFaults = Object.keys(state.faults).length > 0;
    for (const r of refresh) {
      if (r.path.endsWith('.'))
        this.objectRefresh.set(
          r.path,
          Math.max(this.objectRefresh.get(r.path) ?? -Infinity, r.notBefore),
        );
      else
        this.paramRefresh.set(
          r.path,
          Math.max(this.paramRefresh.get(r.path) ?? -Infinity, r.notBefore),
        );
    }
  }

  node(path: string): PathNode | undefined {
    return this.state.nodes[path];
  }

  /**
   * Known instance numbers of `table`, ascending. The first call indexes every table in
   * `tables` in one pass over the state, so reconciling many objects costs one scan.
   */
  instances(table: string, tables: Iterable<string> = [table]): number[] {
    const cached = this.instanceCache.get(table);
    if (cached !== undefined) return cached;
    const wanted = new Set(tables);
    wanted.add(table);
    for (const t of wanted) if (!this.instanceCache.has(t)) this.instanceCache.set(t, []);
    for (const path in this.state.nodes) {
      // Only instance objects (`…T.n.`) are of interest; parameters are skipped by the check.
      if (path.charCodeAt(path.length - 1) !== 46) continue;
      const cut = path.lastIndexOf('.', path.length - 2);
      if (cut < 0) continue;
      const list = this.instanceCache.get(path.slice(0, cut + 1));
      if (list === undefined || !wanted.has(path.slice(0, cut + 1))) continue;
      const n = Number(path.slice(cut + 1, -1));
      if (Number.isInteger(n) && n > 0) list.push(n);
    }
    for (const t of wanted) this.instanceCache.get(t)?.sort((a, b) => a - b);
    return this.instanceCache.get(table) ?? [];
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
   * whose children were discovered does not list the next segment. Memoised per object prefix,
   * so checking many paths under the same objects costs one lookup each.
   */
  missing(path: string): boolean {
    if (this.hasAbsent && path in this.state.absent) return true;
    const cut = path.lastIndexOf('.', path.length - 2);
    if (cut < 0) return false;
    const parent = path.slice(0, cut + 1);
    if (this.prefixMissing(parent)) return true;
    const p = this.state.nodes[parent];
    return (
      p?.kind === 'object' && p.childrenReadAt !== undefined && this.state.nodes[path] === undefined
    );
  }

  private readonly missingMemo = new Map<string, boolean>();

  private prefixMissing(prefix: string): boolean {
    const memo = this.missingMemo.get(prefix);
    if (memo !== undefined) return memo;
    const result = this.missing(prefix);
    this.missingMemo.set(prefix, result);
    return result;
  }

  /** The time before which a read of `path` is stale (−∞ = any read is fresh enough). */
  horizon(path: string): number {
    let h = this.paramRefresh.get(path) ?? -Infinity;
    if (this.objectRefresh.size === 0) return h;
    // Walk the ancestors (O(depth) map lookups), not the refresh list.
    for (let i = path.indexOf('.'); i >= 0 && i < path.length - 1; i = path.indexOf('.', i + 1)) {
      const nb = this.objectRefresh.get(path.slice(0, i + 1));
      if (nb !== undefined && nb > h) h = nb;
    }
    return h;
  }

  /**
   * A subtree is fresh when a GetParameterValues of it (or of an ancestor) returned after
   * `notBefore`; reads of single parameters inside it do not count.
   */
  subtreeStale(prefix: string, notBefore: number): boolean {
    const nodes = this.state.nodes;
    for (let i = prefix.length - 1; i > 0; i = prefix.lastIndexOf('.', i - 1)) {
      const n = nodes[prefix.slice(0, i + 1)];
      if (n?.kind === 'object' && (n.subtreeReadAt ?? -Infinity) >= notBefore) return false;
    }
    return true;
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
