import type { SQLInputValue } from 'node:sqlite';
import type { Scalar } from './field-path';
import type { SortKey } from './find.cursor';
import type { Clause, ClauseSets } from './query.normalize';
import { elementSql, KIND_SQL, multikeyKey, VALUE_SQL } from './sqlite.multikey';

/** What the translation needs to know about the collection. */
export interface SqlContext {
  /** Quoted side table of multikey entries (sqlite.multikey.ts). */
  readonly side: string;
  /** Paths with a multikey index (`$has` on them reads the side table). */
  readonly multikey: ReadonlySet<string>;
  /** Column holding the `_id`: `_id`, or `m.id` when the side table drives the query. */
  readonly id: string;
}

const PLAIN: SqlContext = { side: '', multikey: new Set(), id: '_id' };

/** A SQL fragment and its bound parameters; values are never spliced into the text. */
export interface SqlFragment {
  readonly text: string;
  readonly params: SQLInputValue[];
}

interface FieldSql {
  /** The value (json_extract gives SQL NULL for both JSON null and a missing field). */
  readonly value: string;
  /** JSON type name, or NULL when the field is missing. */
  readonly type: string;
}

/**
 * SQL for a field. The path was checked by `assertFieldPath` (identifiers and
 * dots only), so it can be a literal — and must be one, or SQLite would not use
 * the `json_extract(doc, '$.x')` expression indexes.
 */
export function fieldSql(path: string, id = '_id'): FieldSql {
  if (path === '_id') return { value: id, type: `typeof(${id})` };
  if (path === '_version') return { value: path, type: `typeof(${path})` };
  const json = `'$.${path}'`;
  return { value: `json_extract(doc, ${json})`, type: `json_type(doc, ${json})` };
}

// Type guards make SQLite compare like MongoDB: only within one type bracket
// (json_extract turns true/false into 1/0 and objects into text otherwise).
// coalesce keeps every predicate two-valued, so NOT(...) also takes missing fields.
function typeGuard(field: FieldSql, value: string | number | boolean): string {
  if (typeof value === 'string') return `coalesce(${field.type}, '') = 'text'`;
  if (typeof value === 'number') return `coalesce(${field.type}, '') IN ('integer', 'real')`;
  return `coalesce(${field.type}, '') = '${value ? 'true' : 'false'}'`;
}

function equals(field: FieldSql, value: Scalar, params: SQLInputValue[]): string {
  if (value === null) return `${field.value} IS NULL`;
  if (typeof value === 'boolean') return typeGuard(field, value);
  params.push(value);
  return `(${typeGuard(field, value)} AND ${field.value} = ?)`;
}

function inList(field: FieldSql, values: readonly Scalar[], params: SQLInputValue[]): string {
  const parts: string[] = [];
  const strings = values.filter((v): v is string => typeof v === 'string');
  const numbers = values.filter((v): v is number => typeof v === 'number');
  for (const group of [strings, numbers]) {
    const first = group[0];
    if (first === undefined) continue;
    params.push(...group);
    parts.push(
      `(${typeGuard(field, first)} AND ${field.value} IN (${group.map(() => '?').join(', ')}))`,
    );
  }
  for (const b of new Set(values.filter((v): v is boolean => typeof v === 'boolean')))
    parts.push(typeGuard(field, b));
  if (values.includes(null)) parts.push(`${field.value} IS NULL`);
  return parts.length === 0 ? '0' : `(${parts.join(' OR ')})`;
}

const RANGE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `$has`: through the side table when the path has a multikey index, else json_each. */
function hasSql(
  clause: Extract<Clause, { op: 'has' }>,
  params: SQLInputValue[],
  ctx: SqlContext,
): string {
  const [kind, value] = multikeyKey(clause.value);
  params.push(kind, value);
  if (ctx.multikey.has(clause.path))
    return `${ctx.id} IN (SELECT id FROM ${ctx.side} WHERE path = '${clause.path}' AND kind = ? AND value = ?)`;
  const json = `'$.${clause.path}'`;
  return `EXISTS (SELECT 1 FROM json_each(doc, ${json}) AS j WHERE ${elementSql('doc', json)} AND ${KIND_SQL} = ? AND ${VALUE_SQL} = ?)`;
}

function clauseSql(clause: Clause, params: SQLInputValue[], ctx: SqlContext = PLAIN): string {
  const field = fieldSql(clause.path, ctx.id);
  switch (clause.op) {
    case 'eq':
      return equals(field, clause.value, params);
    case 'ne':
      return clause.value === null
        ? `${field.value} IS NOT NULL`
        : `NOT (${equals(field, clause.value, params)})`;
    case 'in':
      return inList(field, clause.values, params);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      params.push(clause.value);
      return `(${typeGuard(field, clause.value)} AND ${field.value} ${RANGE[clause.op]} ?)`;
    case 'exists':
      // MongoDB: a field holding null exists; json_type gives 'null' for it and NULL when missing.
      return `${field.type} IS ${clause.value ? 'NOT ' : ''}NULL`;
    case 'has':
      return hasSql(clause, params, ctx);
  }
}

/** WHERE body for `clauses AND (any of alternatives)`. */
export function whereSql(
  clauses: readonly Clause[],
  alternatives?: ClauseSets,
  ctx: SqlContext = PLAIN,
): SqlFragment {
  const params: SQLInputValue[] = [];
  const parts = clauses.map((c) => clauseSql(c, params, ctx));
  if (alternatives !== undefined) {
    const ors = alternatives.map(
      (set) => `(${set.map((c) => clauseSql(c, params, ctx)).join(' AND ') || '1'})`,
    );
    parts.push(ors.length === 0 ? '0' : `(${ors.join(' OR ')})`);
  }
  return { text: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** ORDER BY body; SQLite and MongoDB both put NULL/missing first when ascending. */
export function orderSql(keys: readonly SortKey[], id = '_id'): string {
  return keys
    .map((k) => `${fieldSql(k.path, id).value} ${k.dir === 1 ? 'ASC' : 'DESC'}`)
    .join(', ');
}

/**
 * FROM and WHERE of a query. With `$has` on a multikey path, the side table drives: a range of
 * its primary key (path, kind, value) already in id order, joined to the documents by `_id`, so
 * `ORDER BY _id LIMIT n` reads n entries instead of every match. Other clauses filter the join.
 */
export function fromWhereSql(
  table: string,
  clauses: readonly Clause[],
  alternatives: ClauseSets | undefined,
  ctx: Omit<SqlContext, 'id'>,
): { from: string; where: SqlFragment; id: string } {
  const driving = clauses.find((c) => c.op === 'has' && ctx.multikey.has(c.path));
  if (driving === undefined || driving.op !== 'has')
    return {
      from: table,
      where: whereSql(clauses, alternatives, { ...ctx, id: '_id' }),
      id: '_id',
    };
  const [kind, value] = multikeyKey(driving.value);
  const rest = whereSql(
    clauses.filter((c) => c !== driving),
    alternatives,
    { ...ctx, id: 'm.id' },
  );
  return {
    // CROSS JOIN: SQLite keeps the side table as the outer loop.
    from: `${ctx.side} AS m CROSS JOIN ${table} AS t ON t._id = m.id`,
    where: {
      text: `m.path = '${driving.path}' AND m.kind = ? AND m.value = ? AND ${rest.text}`,
      params: [kind, value, ...rest.params],
    },
    id: 'm.id',
  };
}
