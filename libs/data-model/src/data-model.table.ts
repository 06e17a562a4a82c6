import { DataModelError, DataModelErrorCode } from './data-model.error';
import { parentPath } from './parameter-path';
import { TR098_TABLE } from './generated/tr098.generated';
import { TR181_TABLE } from './generated/tr181.generated';

/** The xsd types parameters can have (TR-106 primitive types). */
export type ParameterType =
  | 'string'
  | 'int'
  | 'unsignedInt'
  | 'long'
  | 'unsignedLong'
  | 'boolean'
  | 'dateTime'
  | 'base64'
  | 'hexBinary'
  | 'decimal';

export type SchemaNode =
  | {
      readonly kind: 'object';
      /** Schema path, `{i}` for instance segments; ends with '.'. */
      readonly path: string;
      /** A `X.{i}.` entry of a multi-instance table. */
      readonly multi: boolean;
      /** For a table entry: AddObject/DeleteObject allowed (BBF access="readWrite"). */
      readonly writable: boolean;
      readonly maxEntries?: number;
    }
  | {
      readonly kind: 'parameter';
      readonly path: string;
      readonly writable: boolean;
      readonly type: ParameterType;
      readonly defaultValue?: string;
      readonly enumeration?: readonly string[];
    };

const TYPES: Record<string, ParameterType | 'object'> = {
  o: 'object',
  s: 'string',
  i: 'int',
  u: 'unsignedInt',
  l: 'long',
  L: 'unsignedLong',
  b: 'boolean',
  d: 'dateTime',
  '6': 'base64',
  x: 'hexBinary',
  D: 'decimal',
};

const unescape = (s: string): string =>
  s.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * Decodes one generated line `path|flags|type|default|enums|maxEntries` (written by
 * scripts/derive.script.ts): flags `w` = writable, `m` = multi-instance object.
 */
export function decodeEntry(line: string): SchemaNode {
  const [path = '', flags = '', code = 's', def = '', enums = '', max = ''] = line.split('|');
  const type = TYPES[code];
  if (path === '' || type === undefined)
    throw new DataModelError(DataModelErrorCode.InvalidTable, `bad table line: ${line}`);
  if (type === 'object')
    return {
      kind: 'object',
      path,
      multi: flags.includes('m'),
      writable: flags.includes('w'),
      ...(max === '' ? {} : { maxEntries: Number(max) }),
    };
  return {
    kind: 'parameter',
    path,
    writable: flags.includes('w'),
    type,
    ...(def === '' ? {} : { defaultValue: unescape(def) }),
    ...(enums === '' ? {} : { enumeration: enums.split(',').map(unescape) }),
  };
}

/**
 * An immutable schema: every node by schema path, and each object's direct children in table
 * order. A multi-instance object `A.{i}.` also gets a synthetic table node `A.` (which is what
 * GetParameterNames reports and AddObject names).
 */
export class DataModelSchema {
  readonly root: string;
  private readonly nodes = new Map<string, SchemaNode>();
  private readonly childLists = new Map<string, string[]>();

  constructor(table: string) {
    for (const line of table.split('\n')) {
      if (line === '') continue;
      const node = decodeEntry(line);
      this.add(node);
    }
    const first = table.slice(0, table.indexOf('.') + 1);
    this.root = first;
  }

  private add(node: SchemaNode): void {
    if (node.kind === 'object' && node.multi) {
      const tablePath = node.path.slice(0, -'{i}.'.length);
      if (!this.nodes.has(tablePath)) {
        this.add({ kind: 'object', path: tablePath, multi: false, writable: node.writable });
      }
    }
    this.nodes.set(node.path, node);
    const parent = parentPath(node.path);
    if (parent !== '') {
      let list = this.childLists.get(parent);
      if (list === undefined) this.childLists.set(parent, (list = []));
      list.push(node.path);
    }
  }

  get(schemaPath: string): SchemaNode | undefined {
    return this.nodes.get(schemaPath);
  }

  /** Direct children (schema paths) of an object; a table `A.` has the one child `A.{i}.`. */
  children(schemaPath: string): readonly string[] {
    return this.childLists.get(schemaPath) ?? [];
  }

  /** Every node, in table order. */
  all(): IterableIterator<SchemaNode> {
    return this.nodes.values();
  }

  get size(): number {
    return this.nodes.size;
  }
}

let tr181: DataModelSchema | undefined;
let tr098: DataModelSchema | undefined;

/** TR-181 Device:2 (2.17) home-gateway subset, derived from the BBF XML. Built once, shared. */
export function tr181Schema(): DataModelSchema {
  return (tr181 ??= new DataModelSchema(TR181_TABLE));
}

/** TR-098 InternetGatewayDevice:1 (1.8) home-gateway subset. Built once, shared. */
export function tr098Schema(): DataModelSchema {
  return (tr098 ??= new DataModelSchema(TR098_TABLE));
}
