import { assertFieldPath, assertName, isPlainObject } from './field-path';
import type { SortKey } from './find.cursor';
import type { IndexSpec } from './document-repository.port';
import { StoreError, StoreErrorCode } from './store.error';

export interface NormalizedIndex {
  readonly name: string;
  readonly keys: readonly SortKey[];
  readonly unique: boolean;
  /** One entry per array element (single field, ascending, not unique). */
  readonly multikey: boolean;
}

/** Validates index declarations and gives each a name (`serial_1_oui_desc` unless named). */
export function normalizeIndexes<T>(specs: readonly IndexSpec<T>[] | undefined): NormalizedIndex[] {
  const seen = new Set<string>();
  return (specs ?? []).map((spec) => {
    if (!isPlainObject(spec.fields))
      throw new StoreError(StoreErrorCode.InvalidQuery, 'index fields is a plain object');
    const keys: SortKey[] = Object.entries(spec.fields).map(([path, dir]) => {
      assertFieldPath(path);
      if (dir !== 1 && dir !== -1)
        throw new StoreError(
          StoreErrorCode.InvalidQuery,
          `index ${path}: direction must be 1 or -1`,
        );
      return { path, dir };
    });
    if (keys.length === 0)
      throw new StoreError(StoreErrorCode.InvalidQuery, 'an index needs at least one field');
    const name =
      spec.name ??
      keys.map((k) => `${k.path.replaceAll('.', '_')}_${k.dir === 1 ? '1' : 'desc'}`).join('_');
    assertName('index', name);
    if (seen.has(name))
      throw new StoreError(StoreErrorCode.InvalidQuery, `index ${name} declared twice`);
    seen.add(name);
    const multikey = spec.multikey === true;
    if (multikey && (keys.length !== 1 || spec.unique === true))
      throw new StoreError(
        StoreErrorCode.InvalidQuery,
        `index ${name}: a multikey index has one field and is not unique`,
      );
    return { name, keys, unique: spec.unique === true, multikey };
  });
}
