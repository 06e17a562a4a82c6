import type { DeviceState, FaultRecord } from '@acs/domain';
import { loadState, storeState, type FaultDocument } from '@acs/provisioning';
import type { Fault, FaultsServiceService } from '@acs/proto';
import type { Query, Versioned } from '@acs/store';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { ServiceMethods } from '../nbi.context';
import { toTimestamp } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { decodePageToken, encodePageToken, pageSize } from '../query/page.token';
import { requireId } from '../task.runner';

function faultOf(d: FaultDocument): Fault {
  return {
    id: d._id,
    deviceId: d.deviceId,
    sourceKind: d.sourceKind,
    sourceName: d.sourceName,
    target: d.target,
    kind: d.kind,
    method: d.method,
    code: d.code,
    message: d.message,
    retries: d.retries,
    firstAt: toTimestamp(d.firstAt),
    lastAt: toTimestamp(d.lastAt),
    nextRetryAt: toTimestamp(d.nextRetryAt ?? undefined),
  };
}

export function faultsApi(deps: NbiDeps): ServiceMethods<typeof FaultsServiceService> {
  /**
   * Changes one fault record in the device state (the source of truth; the `faults` collection
   * mirrors it) with an optimistic write, retried when provisioning wrote in between.
   */
  const editFault = async (
    faultId: string,
    edit: (state: DeviceState, key: string, record: FaultRecord) => DeviceState,
  ): Promise<Versioned<FaultDocument>> => {
    const mirror = await deps.repos.faults.findById(requireId(faultId, 'fault_id'));
    if (mirror === undefined) throw NbiError.notFound(`fault ${faultId}`);
    const key = mirror._id.slice(mirror.deviceId.length + 1);
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await deps.repos.devices.findById(mirror.deviceId);
      const state = doc === undefined ? undefined : loadState(doc.state, doc._id);
      const record = state?.faults[key];
      if (doc === undefined || state === undefined || record === undefined) return mirror;
      try {
        await deps.repos.devices.update(doc._id, doc._version, {
          $set: { state: storeState(edit(state, key, record)), updatedAt: deps.clock.now() },
        });
        return mirror;
      } catch (e) {
        if (!StoreError.is(e, StoreErrorCode.VersionConflict)) throw e;
      }
    }
    throw new NbiError(NbiErrorCode.Aborted, `device ${mirror.deviceId} kept changing`);
  };

  return {
    async listFaults(req) {
      const size = pageSize(req.pageSize, 100, 1000);
      const cursor = decodePageToken(req.pageToken, req.deviceId);
      const query: Query<FaultDocument> = req.deviceId === '' ? {} : { deviceId: req.deviceId };
      const page = await deps.repos.faults.find(query, {
        limit: size,
        ...(cursor === undefined ? {} : { after: cursor.after }),
      });
      return {
        faults: page.items.map(faultOf),
        nextPageToken: page.next === undefined ? '' : encodePageToken(page.next, req.deviceId),
      };
    },

    async clearFault(req, ctx) {
      const mirror = await editFault(req.faultId, (state, key) => {
        const faults = { ...state.faults };
        delete faults[key];
        return { ...state, faults };
      });
      try {
        await deps.repos.faults.delete(mirror._id);
      } catch (e) {
        if (!StoreError.is(e, StoreErrorCode.NotFound)) throw e;
      }
      await deps.audit.record(ctx.principal.id, 'fault.cleared', mirror.deviceId, {
        faultId: mirror._id,
        code: mirror.code,
      });
      return {};
    },

    async retryFault(req, ctx) {
      const now = deps.clock.now();
      const mirror = await editFault(req.faultId, (state, key, record) => ({
        ...state,
        faults: { ...state.faults, [key]: { ...record, nextRetryAt: now } },
      }));
      const updated = await deps.repos.faults.update(mirror._id, mirror._version, {
        $set: { nextRetryAt: now },
      });
      if (req.wakeUp) await deps.wakeups.wake(mirror.deviceId, `nbi fault retry ${mirror._id}`);
      await deps.audit.record(ctx.principal.id, 'fault.retried', mirror.deviceId, {
        faultId: mirror._id,
        wakeUp: req.wakeUp,
      });
      return { fault: faultOf(updated) };
    },
  };
}
