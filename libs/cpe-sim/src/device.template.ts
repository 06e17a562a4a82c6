import {
  instantiatePath,
  parentPath,
  tr098Schema,
  tr181Schema,
  type DataModelSchema,
  type SchemaNode,
} from '@acs/data-model';
import { TEMPLATE_VALUES } from './template.values';

export type TemplateName = 'tr181' | 'tr098';

/**
 * A device template: the schema subset a simulated gateway has (BBF-derived, plus vendor `X_ACME_`
 * nodes), the instances its tables start with and the factory values of every parameter. It is
 * built once and shared read-only by every device of a fleet: a device only stores what differs
 * from it (copy-on-write, see DeviceModel) — that is what keeps an idle CPE to a few KB.
 * Values may hold `{placeholders}` that the device fills from its identity when read.
 */
export class DeviceTemplate {
  readonly root: string;
  /** Instances each table (concrete path, e.g. `Device.WiFi.SSID.`) starts with. */
  readonly instances = new Map<string, readonly number[]>();
  /** Factory values by concrete parameter path. */
  readonly values = new Map<string, string>();
  /** Parameters every Inform carries (TR-069 A.3.3.1, CWMP-NOTES "Forced-inform"). */
  readonly forcedInform: readonly string[];
  private readonly nodes = new Map<string, SchemaNode>();
  /** Schema node of every concrete path the template instantiates (parameters and objects). */
  private readonly concrete = new Map<string, SchemaNode>();
  private readonly childLists = new Map<string, string[]>();

  constructor(
    readonly name: TemplateName,
    schema: DataModelSchema,
    tableSizes: Readonly<Record<string, number>>,
    vendorNodes: readonly SchemaNode[],
    values: Readonly<Record<string, string>>,
    forcedInform: readonly string[],
  ) {
    this.root = schema.root;
    for (const node of schema.all()) this.addNode(node);
    for (const node of vendorNodes) this.addNode(node);
    const rootNode = this.nodes.get(this.root);
    if (rootNode !== undefined) this.concrete.set(this.root, rootNode);
    this.instantiate(this.root, [], tableSizes, values);
    this.forcedInform = forcedInform.filter((p) => this.values.has(p));
  }

  private addNode(node: SchemaNode): void {
    this.nodes.set(node.path, node);
    const parent = parentPath(node.path);
    if (parent === '') return;
    let list = this.childLists.get(parent);
    if (list === undefined) this.childLists.set(parent, (list = []));
    if (!list.includes(node.path)) list.push(node.path);
  }

  node(schemaPath: string): SchemaNode | undefined {
    return this.nodes.get(schemaPath);
  }

  concreteNode(path: string): SchemaNode | undefined {
    return this.concrete.get(path);
  }

  children(schemaPath: string): readonly string[] {
    return this.childLists.get(schemaPath) ?? [];
  }

  /** The factory value of a parameter of a newly added instance (no per-instance value known). */
  defaultValue(node: Extract<SchemaNode, { kind: 'parameter' }>): string {
    if (node.defaultValue !== undefined) return node.defaultValue;
    if (node.enumeration !== undefined && node.enumeration[0] !== undefined)
      return node.enumeration[0];
    switch (node.type) {
      case 'boolean':
        return 'false';
      case 'int':
      case 'unsignedInt':
      case 'long':
      case 'unsignedLong':
        return '0';
      case 'decimal':
        return '0';
      case 'dateTime':
        return '0001-01-01T00:00:00Z';
      case 'string':
      case 'base64':
      case 'hexBinary':
        return '';
    }
  }

  private instantiate(
    schemaObject: string,
    numbers: number[],
    tableSizes: Readonly<Record<string, number>>,
    values: Readonly<Record<string, string>>,
  ): void {
    for (const child of this.children(schemaObject)) {
      const node = this.nodes.get(child);
      if (node === undefined) continue;
      if (node.kind === 'parameter') {
        const concrete = instantiatePath(child, numbers);
        const rel = child.slice(this.root.length);
        // TR-069 A.2.2.1: CPE-assigned aliases are "cpe-<instance number>".
        const alias = child.endsWith('.{i}.Alias')
          ? `cpe-${numbers[numbers.length - 1] ?? 0}`
          : undefined;
        this.values.set(concrete, values[rel] ?? alias ?? this.defaultValue(node));
        this.concrete.set(concrete, node);
        continue;
      }
      if (node.path.endsWith('.{i}.')) {
        const table = instantiatePath(schemaObject, numbers);
        const n = tableSizes[child.slice(this.root.length)] ?? 0;
        const list = Array.from({ length: n }, (_, k) => k + 1);
        this.instances.set(table, list);
        for (const i of list) {
          this.concrete.set(`${table}${i}.`, node);
          this.instantiate(child, [...numbers, i], tableSizes, values);
        }
      } else {
        this.concrete.set(instantiatePath(child, numbers), node);
        this.instantiate(child, numbers, tableSizes, values);
      }
    }
  }
}

const vendor = (root: string): SchemaNode[] => [
  {
    kind: 'parameter',
    path: `${root}DeviceInfo.X_ACME_BootCount`,
    writable: false,
    type: 'unsignedInt',
  },
  {
    kind: 'parameter',
    path: `${root}ManagementServer.X_ACME_TelemetryEnable`,
    writable: true,
    type: 'boolean',
  },
  { kind: 'object', path: `${root}X_ACME_Feature.`, multi: false, writable: false },
  { kind: 'parameter', path: `${root}X_ACME_Feature.Enable`, writable: true, type: 'boolean' },
  { kind: 'parameter', path: `${root}X_ACME_Feature.Level`, writable: true, type: 'int' },
  {
    kind: 'parameter',
    path: `${root}X_ACME_Feature.Mode`,
    writable: true,
    type: 'string',
    enumeration: ['Off', 'Eco', 'Turbo'],
  },
];

let cache: Partial<Record<TemplateName, DeviceTemplate>> = {};

/** The shared template of a given name (built on first use). */
export function deviceTemplate(name: TemplateName): DeviceTemplate {
  const hit = cache[name];
  if (hit !== undefined) return hit;
  const v = TEMPLATE_VALUES[name];
  const schema = name === 'tr181' ? tr181Schema() : tr098Schema();
  const t = new DeviceTemplate(name, schema, v.tables, vendor(schema.root), v.values, v.forced);
  cache = { ...cache, [name]: t };
  return t;
}
