import { assertFieldPath, isPlainObject, isScalar, type Scalar } from './field-path';
import { StoreError, StoreErrorCode } from './store.error';

/** One validated condition; a query is a list of them, ANDed. Adapters translate only these. */
export type Clause =
  | { readonly path: string; readonly op: 'eq' | 'ne'; readonly value: Scalar }
  | { readonly path: string; readonly op: 'in'; readonly values: readonly Scalar[] }
  | { readonly path: string; readonly op: RangeOp; readonly value: string | number }
  | { readonly path: string; readonly op: 'exists'; readonly value: boolean }
  | { readonly path: string; readonly op: 'has'; readonly value: string | number | boolean };

export type RangeOp = 'gt' | 'gte' | 'lt' | 'lte';

/** A disjunction of conjunctions (used for keyset pagination). */
export type ClauseSets = readonly (readonly Clause[])[];

function invalid(message: string): StoreError {
  return new StoreError(StoreErrorCode.InvalidQuery, message);
}

function scalarOperand(path: string, op: string, value: unknown): Scalar {
  if (!isScalar(value))
    throw invalid(`${path}: ${op} needs a string, finite number, boolean or null`);
  return value;
}

function operatorClause(path: string, op: string, value: unknown): Clause {
  switch (op) {
    case '$eq':
      return { path, op: 'eq', value: scalarOperand(path, op, value) };
    case '$ne':
      return { path, op: 'ne', value: scalarOperand(path, op, value) };
    case '$in': {
      if (!Array.isArray(value)) throw invalid(`${path}: $in needs an array`);
      return { path, op: 'in', values: value.map((v: unknown) => scalarOperand(path, op, v)) };
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw invalid(`${path}: ${op} needs a string or a finite number`);
      }
      return { path, op: op.slice(1) as RangeOp, value };
    }
    case '$exists':
      if (typeof value !== 'boolean') throw invalid(`${path}: $exists needs a boolean`);
      return { path, op: 'exists', value };
    case '$has':
      // null would also match a missing field in MongoDB: not membership, so refused.
      if (value === null || !isScalar(value))
        throw invalid(`${path}: $has needs a string, finite number or boolean`);
      return { path, op: 'has', value };
    default:
      throw invalid(`${path}: unsupported operator ${JSON.stringify(op)}`);
  }
}

/**
 * Validates a `Query<T>` at run time (callers may bypass the types) and flattens
 * it into clauses. Anything outside the subset is an InvalidQuery error, so no
 * backend ever sees an operator the other one would evaluate differently.
 */
export function normalizeQuery(query: unknown): Clause[] {
  if (!isPlainObject(query)) throw invalid('a query is a plain object');
  const clauses: Clause[] = [];
  for (const [path, condition] of Object.entries(query)) {
    assertFieldPath(path);
    if (condition === undefined) {
      // MongoDB would match `null` here, a JSON store would drop the key: refuse both.
      throw invalid(`${path}: undefined condition`);
    }
    if (isScalar(condition)) {
      clauses.push({ path, op: 'eq', value: condition });
      continue;
    }
    if (!isPlainObject(condition))
      throw invalid(`${path}: equality on arrays/objects is not supported`);
    const ops = Object.entries(condition).filter(([, v]) => v !== undefined);
    if (ops.length === 0) throw invalid(`${path}: empty operator object`);
    for (const [op, value] of ops) clauses.push(operatorClause(path, op, value));
  }
  return clauses;
}
