import type { EventBus } from '@acs/bus';
import type { DeviceState } from '@acs/domain';
import { EVENT_HEADERS } from '@acs/events';
import { StoreError, StoreErrorCode, type Versioned } from '@acs/store';
import { sourceName } from './audit.entries';
import { DEVICE_CHANGES_TOPIC, encodeDeviceChange } from './device-change.event';
import type { DeviceDocument, TaskUpdate } from './device.document';
import type { ProvisioningLogger } from './provisioning.ports';
import type { FaultDocument, ProvisioningRepositories } from './provisioning.repositories';

/**
 * Carries out the outbox of a device document: audit entries (deterministic ids; a duplicate
 * insert is the redelivery's), task status (only from `pending`), the fault mirror (upsert /
 * delete, idempotent by nature) and the change event; then marks the outbox done. A crash between
 * the publish and the mark publishes the change event again on redelivery, with the same changeId.
 */
export class OutboxFlusher {
  constructor(
    private readonly repos: ProvisioningRepositories,
    private readonly bus: EventBus,
    private readonly logger: ProvisioningLogger,
  ) {}

  async flush(
    doc: Versioned<DeviceDocument>,
    state: DeviceState,
  ): Promise<Versioned<DeviceDocument>> {
    const o = doc.outbox;
    if (o === undefined || o.done) return doc;
    await Promise.all([
      ...o.audit.map(async (a) => {
        try {
          await this.repos.audit.insert(a);
        } catch (e) {
          if (!StoreError.is(e, StoreErrorCode.DuplicateKey)) throw e;
        }
      }),
      ...o.tasks.map((t) => this.updateTask(t)),
      ...o.faultsChanged.map((k) => this.upsertFault(doc._id, k, state)),
      ...o.faultsRemoved.map(async (k) => {
        try {
          await this.repos.faults.delete(`${doc._id}|${k}`);
        } catch (e) {
          if (!StoreError.is(e, StoreErrorCode.NotFound)) throw e;
        }
      }),
    ]);
    if (o.change !== undefined)
      await this.bus.publish(DEVICE_CHANGES_TOPIC, [
        {
          key: doc._id,
          value: encodeDeviceChange(o.change),
          headers: { [EVENT_HEADERS.schema]: o.change.schema },
        },
      ]);
    try {
      return await this.repos.devices.update(doc._id, doc._version, {
        $set: { 'outbox.done': true },
      });
    } catch (e) {
      if (!StoreError.is(e, StoreErrorCode.VersionConflict)) throw e;
      // Someone wrote the device meanwhile (a rebalance overlap); their write decides.
      this.logger.debug({ deviceId: doc._id }, 'outbox mark lost a race');
      return (await this.repos.devices.findById(doc._id)) ?? doc;
    }
  }

  private async updateTask(t: TaskUpdate): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = await this.repos.tasks.findById(t.id);
      if (d?.status !== 'pending') return;
      try {
        await this.repos.tasks.update(t.id, d._version, {
          $set: {
            status: t.status,
            updatedAt: t.at,
            ...(t.result === undefined ? {} : { result: t.result }),
            ...(t.fault === undefined ? {} : { fault: t.fault }),
          },
        });
        return;
      } catch (e) {
        if (!StoreError.is(e, StoreErrorCode.VersionConflict)) throw e;
      }
    }
  }

  private async upsertFault(deviceId: string, key: string, state: DeviceState): Promise<void> {
    const f = state.faults[key];
    if (f === undefined) return;
    const doc: FaultDocument = {
      _id: `${deviceId}|${key}`,
      deviceId,
      sourceKind: f.source.kind,
      sourceName: sourceName(f.source),
      target: f.target,
      kind: f.kind,
      method: f.method,
      code: f.code,
      message: f.message,
      retries: f.retries,
      firstAt: f.firstAt,
      lastAt: f.lastAt,
      nextRetryAt: f.nextRetryAt,
    };
    await this.repos.faults.upsert(doc);
  }
}
