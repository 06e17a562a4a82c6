import type { SQLInputValue } from 'node:sqlite';
import type { Scalar } from './field-path';
import type { SortKey } from './find.cursor';
import type { Clause, ClauseSets } from './query.normalize';

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
export function fieldSql(path: string): FieldSql {
  if (path === '_id' || path === '_version') return { value: path, type: `typeof(${path})` };
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

function clauseSql(clause: Clause, params: SQLInputValue[]): string {
  const field = fieldSql(clause.path);
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
  }
}

/** WHERE body for `clauses AND (any of alternatives)`. */
export function whereSql(clauses: readonly Clause[], alternatives?: ClauseSets): SqlFragment {
  const params: SQLInputValue[] = [];
  const parts = clauses.map((c) => clauseSql(c, params));
  if (alternatives !== undefined) {
    const ors = alternatives.map(
      (set) => `(${set.map((c) => clauseSql(c, params)).join(' AND ') || '1'})`,
    );
    parts.push(ors.length === 0 ? '0' : `(${ors.join(' OR ')})`);
  }
  return { text: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** ORDER BY body; SQLite and MongoDB both put NULL/missing first when ascending. */
export function orderSql(keys: readonly SortKey[]): string {
  return keys.map((k) => `${fieldSql(k.path).value} ${k.dir === 1 ? 'ASC' : 'DESC'}`).join(', ');
}
