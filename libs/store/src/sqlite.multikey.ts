import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { NormalizedIndex } from './index-spec';

// Multikey indexes on SQLite: one side table per collection, `<collection>__multikey`, holding a
// row (path, kind, value, id) for each scalar element of each indexed array field (or for the
// field itself when it is a scalar — MongoDB's rule, so `$has` means the same on both backends).
// Triggers on the collection table keep it exact: they run inside the statement that writes the
// document, so the entries commit or roll back with it, whichever code path (or process) writes.

/** Name of the side table of a collection (already quoted). */
export const multikeyTable = (collection: string): string => `"${collection}__multikey"`;

/** Element kinds: numbers are one kind (1 and 1.0 are equal, as in MongoDB). */
type Kind = 'text' | 'number' | 'boolean';

/** The side table's (kind, value) for a `$has` operand. */
export function multikeyKey(value: string | number | boolean): [Kind, SQLInputValue] {
  if (typeof value === 'string') return ['text', value];
  if (typeof value === 'number') return ['number', value];
  return ['boolean', value ? 1 : 0];
}

// For a json_each row `j` over `doc` at `path`: its kind, and which rows are entries (scalars that
// are not members of an object; nulls are not indexed — `$has` refuses null).
export const KIND_SQL = `CASE j.type WHEN 'text' THEN 'text' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' ELSE 'number' END`;
export const VALUE_SQL = `CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE j.value END`;

/** SQL condition on json_each row `j` of `doc` at `json` (`'$.a.b'`): an element to index/match. */
export function elementSql(doc: string, json: string): string {
  return `j.type IN ('text', 'integer', 'real', 'true', 'false') AND coalesce(json_type(${doc}, ${json}), '') <> 'object'`;
}

/** INSERT … SELECT of the entries of `path` for the documents the FROM yields (`doc`, `id`). */
function entriesSql(table: string, path: string, from: string, doc: string, id: string): string {
  const json = `'$.${path}'`;
  return `INSERT OR IGNORE INTO ${table} (path, kind, value, id)
    SELECT '${path}', ${KIND_SQL}, ${VALUE_SQL}, ${id} FROM ${from} json_each(${doc}, ${json}) AS j
    WHERE ${elementSql(doc, json)}`;
}

/**
 * Creates the side table and, for each multikey index not yet maintained, its triggers and its
 * entries for the documents already stored (one transaction: no write slips between the two).
 * Paths come from `assertFieldPath` (identifiers and dots), so they are spliced as literals.
 */
export function ensureMultikey(
  db: DatabaseSync,
  collection: string,
  indexes: readonly NormalizedIndex[],
): void {
  const multikey = indexes.filter((i) => i.multikey);
  if (multikey.length === 0) return;
  const side = multikeyTable(collection);
  const table = `"${collection}"`;
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${side} (path TEXT NOT NULL, kind TEXT NOT NULL, value ANY NOT NULL, id TEXT NOT NULL, PRIMARY KEY (path, kind, value, id)) WITHOUT ROWID, STRICT;
     CREATE INDEX IF NOT EXISTS "${collection}__multikey_id" ON ${side} (id, path);`,
  );
  const exists = db.prepare(`SELECT 1 AS x FROM sqlite_master WHERE type = 'trigger' AND name = ?`);
  for (const index of multikey) {
    const path = (index.keys[0] as { path: string }).path;
    const trigger = `${collection}__${index.name}`;
    if (exists.get(`${trigger}__ai`) !== undefined) continue;
    const remove = (id: string) => `DELETE FROM ${side} WHERE id = ${id} AND path = '${path}';`;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(`
        CREATE TRIGGER IF NOT EXISTS "${trigger}__ai" AFTER INSERT ON ${table} BEGIN
          ${entriesSql(side, path, '', 'NEW.doc', 'NEW._id')};
        END;
        CREATE TRIGGER IF NOT EXISTS "${trigger}__au" AFTER UPDATE OF doc ON ${table} BEGIN
          ${remove('OLD._id')}
          ${entriesSql(side, path, '', 'NEW.doc', 'NEW._id')};
        END;
        CREATE TRIGGER IF NOT EXISTS "${trigger}__ad" AFTER DELETE ON ${table} BEGIN
          ${remove('OLD._id')}
        END;
        DELETE FROM ${side} WHERE path = '${path}';
        ${entriesSql(side, path, `${table} AS t,`, 't.doc', 't._id')};
      `);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
