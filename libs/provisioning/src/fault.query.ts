import type { DocumentRepository } from '@acs/store';
import type { FaultDocument } from './provisioning.repositories';

/** A fault as the API shows it. */
export interface FaultView {
  readonly deviceId: string;
  readonly source: { readonly kind: 'profile' | 'task'; readonly name: string };
  /** The failing parameter, object, action key, or `script`. */
  readonly target: string;
  readonly kind: string;
  readonly method: string;
  readonly code: number;
  readonly message: string;
  readonly retries: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly nextRetryAt: number | null;
}

export interface FaultPage {
  readonly items: readonly FaultView[];
  /** Opaque cursor for the next page (absent on the last). */
  readonly next?: string;
}

export interface FaultPageOptions {
  /** 1–1000, default 100. */
  readonly limit?: number;
  readonly after?: string;
}

function viewOf(d: FaultDocument): FaultView {
  return {
    deviceId: d.deviceId,
    source: { kind: d.sourceKind, name: d.sourceName },
    target: d.target,
    kind: d.kind,
    method: d.method,
    code: d.code,
    message: d.message,
    retries: d.retries,
    firstAt: d.firstAt,
    lastAt: d.lastAt,
    nextRetryAt: d.nextRetryAt,
  };
}

/**
 * Queries over the fault mirror (issue 5, point 5: faults per device and per profile/task). "All
 * faults of a profile" is an index range on (sourceKind, sourceName, deviceId) — ordered by
 * device, paged with the store's keyset cursor — and per device on (deviceId); neither scans.
 */
export class FaultQuery {
  constructor(private readonly faults: DocumentRepository<FaultDocument>) {}

  /** Every device's faults of one profile, by device id. */
  byProfile(name: string, options: FaultPageOptions = {}): Promise<FaultPage> {
    return this.bySource('profile', name, options);
  }

  /** The faults of one task (on its device). */
  byTask(taskId: string, options: FaultPageOptions = {}): Promise<FaultPage> {
    return this.bySource('task', taskId, options);
  }

  /** How many devices' faults one profile has (an index count). */
  countByProfile(name: string): Promise<number> {
    return this.faults.count({ sourceKind: 'profile', sourceName: name });
  }

  /** One device's faults, of every profile and task. */
  async byDevice(deviceId: string, options: FaultPageOptions = {}): Promise<FaultPage> {
    const page = await this.faults.find(
      { deviceId },
      { sort: { deviceId: 1 }, limit: options.limit ?? 100, ...afterOf(options) },
    );
    return pageOf(page.items, page.next);
  }

  private async bySource(
    sourceKind: 'profile' | 'task',
    sourceName: string,
    options: FaultPageOptions,
  ): Promise<FaultPage> {
    const page = await this.faults.find(
      { sourceKind, sourceName },
      {
        sort: { sourceKind: 1, sourceName: 1, deviceId: 1 },
        limit: options.limit ?? 100,
        ...afterOf(options),
      },
    );
    return pageOf(page.items, page.next);
  }
}

function afterOf(options: FaultPageOptions): { after?: string } {
  return options.after === undefined ? {} : { after: options.after };
}

function pageOf(items: readonly FaultDocument[], next: string | undefined): FaultPage {
  return { items: items.map(viewOf), ...(next === undefined ? {} : { next }) };
}
