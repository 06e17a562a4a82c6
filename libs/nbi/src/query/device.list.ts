import type { DeviceDocument } from '@acs/provisioning';
import type { DocumentRepository, Query, Versioned } from '@acs/store';
import { evaluateFilter, type FilterExpr } from './filter.parser';
import { filterPaths, filterState, storeConditions } from './filter.state';

const MAX_BATCH = 5_000;

export interface DeviceScanOptions {
  /** Devices wanted on the page. */
  readonly size: number;
  /** The last device id examined by the previous page. */
  readonly after?: string;
  /** Documents read at most before the page is returned short. */
  readonly scanLimit: number;
  /**
   * Narrow the read with the store conditions the filter implies (storeConditions). Off only in
   * tests that prove the pages are the same either way.
   */
  readonly pushdown?: boolean;
}

export interface DeviceScan {
  readonly docs: Versioned<DeviceDocument>[];
  /** Last device id examined (where the next page continues). */
  readonly after?: string;
  /** No device after `after` can match. */
  readonly exhausted: boolean;
}

/**
 * One Devices/List page: a keyset scan in _id order (stable across pages, no skip) over the
 * devices the store preselects with the filter's indexable conditions, the whole filter evaluated
 * on each candidate. Bounded by `scanLimit` documents read, after which the page is returned
 * short, continuing from the last document examined.
 */
export async function scanDevices(
  repo: DocumentRepository<DeviceDocument>,
  filter: FilterExpr | undefined,
  options: DeviceScanOptions,
): Promise<DeviceScan> {
  const { size } = options;
  const needed = filterPaths(filter);
  // Typed as the store's query of devices: the pushed-down paths are facts and tags of `state`,
  // which the document type declares only as a record.
  const pushed = (options.pushdown === false
    ? {}
    : storeConditions(filter)) as unknown as Query<DeviceDocument>;
  const docs: Versioned<DeviceDocument>[] = [];
  let after = options.after;
  // The next batch is sized from the match rate seen so far (fewer store round trips when
  // matches are rare, no over-reading when they are not), between 200 and MAX_BATCH.
  let batchSize = filter === undefined ? size : Math.max(200, size * 2);
  let scanned = 0;
  let exhausted = false;
  scan: while (scanned < options.scanLimit) {
    const query: Query<DeviceDocument> =
      after === undefined ? pushed : { ...pushed, _id: { $gt: after } };
    const batch = filter === undefined ? size - docs.length : batchSize;
    const page = await repo.find(query, { sort: { _id: 1 }, limit: batch });
    const last = page.next === undefined || page.items.length < batch;
    for (let i = 0; i < page.items.length; i++) {
      const doc = page.items[i] as (typeof page.items)[number];
      scanned++;
      after = doc._id;
      if (filter !== undefined && !evaluateFilter(filter, filterState(doc, needed))) continue;
      docs.push(doc);
      if (docs.length >= size) {
        exhausted = last && i === page.items.length - 1;
        break scan;
      }
    }
    if (last) {
      exhausted = true;
      break;
    }
    const rate = docs.length / scanned;
    const wanted = rate === 0 ? batchSize * 4 : ((size - docs.length) / rate) * 1.2;
    batchSize = Math.round(Math.min(MAX_BATCH, Math.max(200, wanted)));
  }
  return { docs, exhausted, ...(after === undefined ? {} : { after }) };
}
