import type { Document } from 'mongodb';
import type { Clause, ClauseSets } from './query.normalize';

function clauseFilter(clause: Clause): Document {
  switch (clause.op) {
    case 'eq':
      return { [clause.path]: { $eq: clause.value } };
    case 'ne':
      return { [clause.path]: { $ne: clause.value } };
    case 'in':
      return { [clause.path]: { $in: [...clause.values] } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [clause.path]: { [`$${clause.op}`]: clause.value } };
    case 'exists':
      return { [clause.path]: { $exists: clause.value } };
    case 'has':
      // On an array field `$eq` is membership (and uses a multikey index); on a scalar, equality.
      return { [clause.path]: { $eq: clause.value } };
  }
}

const and = (filters: Document[]): Document =>
  filters.length === 0 ? {} : filters.length === 1 ? (filters[0] ?? {}) : { $and: filters };

/**
 * A MongoDB filter rebuilt from validated clauses only, so nothing the caller
 * wrote (e.g. `$where`, `$expr`) reaches the server. Every clause is its own
 * `$and` member: two conditions on one field never overwrite each other.
 */
export function mongoFilter(clauses: readonly Clause[], alternatives?: ClauseSets): Document {
  const filters = clauses.map(clauseFilter);
  if (alternatives !== undefined) {
    filters.push(
      alternatives.length === 0
        ? { _id: { $in: [] } }
        : { $or: alternatives.map((set) => and(set.map(clauseFilter))) },
    );
  }
  return and(filters);
}
