import type {
  CwmpValue,
  NotificationValue,
  ParameterAttribute,
  ParameterInfo,
  ParameterValue,
  SetParameterValuesFault,
} from '@acs/cwmp';
import { isValidPath, parentPath, toSchemaPath, type SchemaNode } from '@acs/data-model';
import type { DeviceTemplate } from './device.template';
import { checkValue, fromText, toText } from './value.convert';

type ParamNode = Extract<SchemaNode, { kind: 'parameter' }>;
type ObjectNode = Extract<SchemaNode, { kind: 'object' }>;

/** Fills `{name}` placeholders of template values for one device. */
export type PlaceholderFill = (name: string, path: string) => string | undefined;

export type ModelResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: number };

const ok = <T>(value: T): ModelResult<T> => ({ ok: true, value });
const fail = <T>(fault: number): ModelResult<T> => ({ ok: false, fault });

const MAX_INSTANCES = 256;

// TR-069 A.3.2.1 / TR-106: passwords and keys read back as an empty string.
const HIDDEN = /(Password|Passphrase|PreSharedKey|KeyPassphrase|WEPKey)$/;

/**
 * One device's data model: the shared template plus this device's differences (copy-on-write).
 * An idle device that was never written to holds no maps at all.
 */
export class DeviceModel {
  private values: Map<string, string> | undefined;
  private tables: Map<string, number[]> | undefined;
  private nextInstance: Map<string, number> | undefined;
  private attributes: Map<string, NotificationValue> | undefined;

  constructor(
    readonly template: DeviceTemplate,
    private readonly fill: PlaceholderFill,
  ) {}

  get root(): string {
    return this.template.root;
  }

  /** Number of per-device overrides (values, tables, attributes): 0 for an untouched device. */
  overrides(): number {
    return (this.values?.size ?? 0) + (this.tables?.size ?? 0) + (this.attributes?.size ?? 0);
  }

  /** TR-069 FactoryReset: back to the template. */
  reset(): void {
    this.values = undefined;
    this.tables = undefined;
    this.nextInstance = undefined;
    this.attributes = undefined;
  }

  instancesOf(table: string): readonly number[] {
    return this.tables?.get(table) ?? this.template.instances.get(table) ?? [];
  }

  /**
   * Alias-based addressing (TR-069 A.2.2.1, CWMP 1.4): `Device.WiFi.SSID.[cpe-2].SSID` names the
   * instance whose Alias is `cpe-2`; returns the instance-number form, or undefined when no
   * instance has that alias. Paths without `[` are returned as they are.
   */
  canonical(path: string): string | undefined {
    if (!path.includes('[')) return path;
    let out = '';
    let rest = path;
    for (;;) {
      const open = rest.indexOf('[');
      if (open < 0) return out + rest;
      const close = rest.indexOf(']', open);
      if (close < 0 || rest[open - 1] !== '.') return undefined;
      const table = out + rest.slice(0, open);
      const alias = rest.slice(open + 1, close);
      const n = this.instancesOf(table).find((i) => this.rawRead(`${table}${i}.Alias`) === alias);
      if (n === undefined) return undefined;
      out = `${table}${n}`;
      rest = rest.slice(close + 1);
    }
  }

  /** The schema node of a concrete path if every instance along it exists, else undefined. */
  resolve(path: string): SchemaNode | undefined {
    // Fast path: a path of the template's own instances, on a device whose tables are untouched.
    if (this.tables === undefined) {
      const known = this.template.concreteNode(path);
      if (known !== undefined) return known;
    }
    if (path.includes('[')) {
      const canonical = this.canonical(path);
      return canonical === undefined ? undefined : this.resolve(canonical);
    }
    if (!path.startsWith(this.root) || !isValidPath(path)) return undefined;
    const schemaPath = toSchemaPath(path);
    const node = this.template.node(schemaPath);
    if (node === undefined) return undefined;
    // Each instance segment must be present in its table.
    const re = /\.([0-9]+)(?=\.|$)/g;
    for (let m = re.exec(path); m !== null; m = re.exec(path)) {
      const table = path.slice(0, m.index + 1);
      if (!this.instancesOf(table).includes(Number(m[1]))) return undefined;
    }
    return node;
  }

  /** The parameter's value as text, placeholders filled (internal: passwords included). */
  rawRead(path: string): string | undefined {
    const node = this.resolve(path);
    if (node === undefined || node.kind !== 'parameter') return undefined;
    return this.textOf(path, node);
  }

  private textOf(path: string, node: ParamNode): string {
    if (path.endsWith('NumberOfEntries')) {
      const table = `${path.slice(0, -'NumberOfEntries'.length)}.`;
      if (this.template.node(toSchemaPath(table)) !== undefined)
        return String(this.instancesOf(table).length);
    }
    const text =
      this.values?.get(path) ?? this.template.values.get(path) ?? this.template.defaultValue(node);
    return text.includes('{')
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => this.fill(name, path) ?? m)
      : text;
  }

  /** What a GetParameterValues returns for one parameter (hidden values read as ''). */
  read(path: string): CwmpValue | undefined {
    const node = this.resolve(path);
    if (node === undefined || node.kind !== 'parameter') return undefined;
    const name = path.slice(path.lastIndexOf('.') + 1);
    return fromText(HIDDEN.test(name) ? '' : this.textOf(path, node), node.type);
  }

  /** Every parameter path at or below `path` (a parameter, an object, or '' for the root). */
  private collect(path: string, out: string[]): boolean {
    if (path === '') return this.collect(this.root, out);
    const node = this.resolve(path);
    if (node === undefined) return false;
    if (node.kind === 'parameter') {
      if (path.endsWith('.')) return false;
      out.push(path);
      return true;
    }
    if (!path.endsWith('.')) return false;
    this.walk(path, node, (p, n) => {
      if (n.kind === 'parameter') out.push(p);
    });
    return true;
  }

  /** Visits the subtree under a concrete object (excluding the object itself), in order. */
  private walk(
    path: string,
    node: ObjectNode,
    visit: (path: string, node: SchemaNode) => void,
  ): void {
    const schemaPath = node.path;
    if (schemaPath.endsWith('.') && this.template.node(`${schemaPath}{i}.`) !== undefined) {
      const entry = this.template.node(`${schemaPath}{i}.`) as ObjectNode;
      for (const i of this.instancesOf(path)) {
        const p = `${path}${i}.`;
        visit(p, entry);
        this.walk(p, entry, visit);
      }
      return;
    }
    for (const child of this.template.children(schemaPath)) {
      const c = this.template.node(child);
      if (c === undefined) continue;
      const name = child.slice(schemaPath.length);
      const p = path + name;
      visit(p, c);
      if (c.kind === 'object') this.walk(p, c, visit);
    }
  }

  getValues(names: readonly string[]): ModelResult<ParameterValue[]> {
    const out: ParameterValue[] = [];
    for (const given of names) {
      const name = this.canonical(given);
      const paths: string[] = [];
      if (name === undefined || !this.collect(name, paths)) return fail(9005);
      for (const p of paths) {
        const value = this.read(p);
        if (value !== undefined) out.push({ name: p, value });
      }
    }
    return ok(out);
  }

  /** TR-069 A.3.2.3 GetParameterNames. */
  getNames(given: string, nextLevel: boolean): ModelResult<ParameterInfo[]> {
    const path = this.canonical(given);
    if (path === undefined) return fail(9005);
    if (path === '') {
      if (nextLevel) return ok([{ name: this.root, writable: false }]);
      return this.getNames(this.root, false);
    }
    const node = this.resolve(path);
    if (node === undefined || (node.kind === 'parameter') === path.endsWith('.')) return fail(9005);
    if (node.kind === 'parameter') {
      // A.3.2.3: NextLevel true with a full parameter name is an invalid argument.
      return nextLevel ? fail(9003) : ok([{ name: path, writable: node.writable }]);
    }
    const out: ParameterInfo[] = nextLevel
      ? []
      : [{ name: path, writable: this.objectWritable(path, node) }];
    const base = path.split('.').length;
    this.walk(path, node, (p, n) => {
      if (nextLevel && p.split('.').length - (p.endsWith('.') ? 1 : 0) !== base) return;
      out.push({
        name: p,
        writable: n.kind === 'parameter' ? n.writable : this.objectWritable(p, n),
      });
    });
    return ok(out);
  }

  private objectWritable(path: string, node: ObjectNode): boolean {
    // A table is writable when AddObject is allowed; an instance when DeleteObject is.
    if (node.multi) return node.writable;
    return (
      this.template.node(`${node.path}{i}.`) !== undefined && node.writable && path.endsWith('.')
    );
  }

  /**
   * TR-069 A.3.2.1 SetParameterValues, atomic: every parameter is checked first; any failure
   * applies nothing and returns the per-parameter faults (the caller wraps them in 9003).
   */
  setValues(
    list: readonly ParameterValue[],
  ): ModelResult<string[]> | { ok: false; fault: 9003; faults: SetParameterValuesFault[] } {
    const faults: SetParameterValuesFault[] = [];
    const seen = new Set<string>();
    const writes: [string, string][] = [];
    for (const { name: given, value } of list) {
      const name = this.canonical(given) ?? given;
      const node = this.resolve(name);
      if (node === undefined || node.kind !== 'parameter' || name.endsWith('.')) {
        faults.push({ parameterName: given, faultCode: 9005 });
        continue;
      }
      if (!node.writable) {
        faults.push({ parameterName: given, faultCode: 9008 });
        continue;
      }
      const text = toText(value);
      const check = checkValue(node, value, text);
      if (check !== undefined) {
        faults.push({ parameterName: given, faultCode: check });
        continue;
      }
      if (seen.has(name)) return { ok: false, fault: 9003, faults: [] };
      seen.add(name);
      writes.push([name, text]);
    }
    if (faults.length > 0) return { ok: false, fault: 9003, faults };
    for (const [name, text] of writes) this.write(name, text);
    return ok(writes.map(([n]) => n));
  }

  /** Writes a value as the device itself would (no writability check); returns true if it changed. */
  write(path: string, text: string): boolean {
    const before = this.rawRead(path);
    (this.values ??= new Map()).set(path, text);
    return before !== text;
  }

  /** TR-069 A.3.2.6 AddObject: path names a writable table, ends with '.'. */
  addObject(given: string): ModelResult<number> {
    const path = this.canonical(given) ?? '';
    const node = path.endsWith('.') ? this.resolve(path) : undefined;
    const entry = node?.kind === 'object' ? this.template.node(`${node.path}{i}.`) : undefined;
    if (entry === undefined || entry.kind !== 'object') return fail(9005);
    if (!entry.writable) return fail(9005);
    const list = [...this.instancesOf(path)];
    // An ACS looping on AddObject must not grow a device without bound: 9004 beyond the schema's
    // maxEntries or MAX_INSTANCES per table.
    if (list.length >= Math.min(entry.maxEntries ?? MAX_INSTANCES, MAX_INSTANCES))
      return fail(9004);
    // TR-069 A.3.2.6: instance numbers are not reused while the device runs.
    const next = Math.max(this.nextInstance?.get(path) ?? 1, (list[list.length - 1] ?? 0) + 1);
    list.push(next);
    (this.tables ??= new Map()).set(path, list);
    (this.nextInstance ??= new Map()).set(path, next + 1);
    // Parameters of a new instance start from the schema defaults.
    this.walk(`${path}${next}.`, entry, (p, n) => {
      if (n.kind !== 'parameter') return;
      // TR-069 A.2.2.1: a CPE-assigned alias is "cpe-" followed by the instance number.
      const alias = p === `${path}${next}.Alias` ? `cpe-${next}` : undefined;
      (this.values ??= new Map()).set(p, alias ?? this.template.defaultValue(n));
    });
    return ok(next);
  }

  /** TR-069 A.3.2.7 DeleteObject: path names an existing instance of a writable table. */
  deleteObject(given: string): ModelResult<true> {
    const path = this.canonical(given) ?? '';
    const node = path.endsWith('.') ? this.resolve(path) : undefined;
    if (node === undefined || node.kind !== 'object' || !node.multi) return fail(9005);
    if (!node.writable) return fail(9005);
    const table = parentPath(path);
    const n = Number(path.slice(table.length, -1));
    const current = this.instancesOf(table);
    const next = Math.max(
      this.nextInstance?.get(table) ?? 1,
      (current[current.length - 1] ?? 0) + 1,
    );
    (this.nextInstance ??= new Map()).set(table, next);
    (this.tables ??= new Map()).set(
      table,
      current.filter((i) => i !== n),
    );
    for (const map of [this.values, this.attributes]) {
      if (map === undefined) continue;
      for (const k of [...map.keys()]) if (k.startsWith(path)) map.delete(k);
    }
    return ok(true);
  }

  getAttributes(names: readonly string[]): ModelResult<ParameterAttribute[]> {
    const out: ParameterAttribute[] = [];
    for (const given of names) {
      const name = this.canonical(given);
      const paths: string[] = [];
      if (name === undefined || !this.collect(name, paths)) return fail(9005);
      for (const p of paths)
        out.push({ name: p, notification: this.notificationOf(p), accessList: [] });
    }
    return ok(out);
  }

  notificationOf(path: string): NotificationValue {
    return this.attributes?.get(path) ?? 0;
  }

  /** Sets the notification attribute of every parameter at or below `name`. */
  setNotification(given: string, notification: NotificationValue): ModelResult<number> {
    const name = this.canonical(given);
    const paths: string[] = [];
    if (name === undefined || !this.collect(name, paths)) return fail(9005);
    const attrs = (this.attributes ??= new Map());
    for (const p of paths) {
      if (notification === 0) attrs.delete(p);
      else attrs.set(p, notification);
    }
    return ok(paths.length);
  }

  /** Validates a SetParameterAttributes name without applying anything. */
  exists(given: string): boolean {
    const name = this.canonical(given);
    return name === '' || (name !== undefined && this.resolve(name) !== undefined);
  }

  /** Per-device overrides as a flat object (vendor configuration file for Upload). */
  exportConfig(): Record<string, string> {
    return Object.fromEntries(this.values ?? []);
  }
}
