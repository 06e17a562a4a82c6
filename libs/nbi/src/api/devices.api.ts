import type { DeviceChangeEventV1 } from '@acs/provisioning';
import { loadState } from '@acs/provisioning';
import type { DevicesServiceService, WatchDevicesResponse } from '@acs/proto';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { ServiceMethods } from '../nbi.context';
import { toTimestamp } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError } from '../nbi.error';
import { deviceToProto, maskFields } from '../query/device.view';
import { scanDevices } from '../query/device.list';
import { parseFilter } from '../query/filter.parser';
import { decodePageToken, encodePageToken, pageSize } from '../query/page.token';
import { requireId } from '../task.runner';

const MAX_PATHS = 100;

function checkPaths(paths: readonly string[], field: string): readonly string[] {
  if (paths.length > MAX_PATHS) throw NbiError.invalid(field, `at most ${MAX_PATHS} paths`);
  paths.forEach((p, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_\-.[\]]{0,255}$/.test(p))
      throw NbiError.invalid(
        `${field}.${i}`,
        `not a parameter or object path: ${JSON.stringify(p)}`,
      );
  });
  return paths;
}

function watchMessage(e: DeviceChangeEventV1): WatchDevicesResponse {
  return {
    changeId: e.changeId,
    deviceId: e.deviceId,
    sessionId: e.sessionId ?? '',
    occurredAt: toTimestamp(Date.parse(e.occurredAt)),
    cause: e.cause,
    created: e.created,
    boot: e.boot,
    bootstrap: e.bootstrap,
    softwareVersion: e.softwareVersion ?? '',
    tags: [...e.tags],
    tagsChanged: e.tagsChanged,
    parameters: e.parameters.map((p) => ({
      path: p.path,
      ...(p.value === null ? {} : { value: p.value }),
      type: p.type ?? '',
    })),
    truncated: e.truncated,
  };
}

export function devicesApi(deps: NbiDeps): ServiceMethods<typeof DevicesServiceService> {
  return {
    async listDevices(req) {
      const filter = parseFilter(req.filter);
      const fields = maskFields(req.readMask, 'read_mask');
      const paths = checkPaths(req.parameterPaths, 'parameter_paths');
      const size = pageSize(req.pageSize, 100, 1000);
      const cursor = decodePageToken(req.pageToken, req.filter);
      const scan = await scanDevices(deps.repos.devices, filter, {
        size,
        scanLimit: deps.limits.listScanLimit,
        ...(cursor?.after === undefined ? {} : { after: cursor.after }),
      });
      return {
        devices: scan.docs.map((doc) =>
          deviceToProto(doc, loadState(doc.state, doc._id), fields, paths),
        ),
        nextPageToken:
          !scan.exhausted && scan.after !== undefined
            ? encodePageToken(scan.after, req.filter)
            : '',
      };
    },

    async getDevice(req) {
      const id = requireId(req.deviceId, 'device_id');
      const doc = await deps.repos.devices.findById(id);
      if (doc === undefined) throw NbiError.notFound(`device ${id}`);
      const paths = checkPaths(req.parameterPaths, 'parameter_paths');
      return {
        device: deviceToProto(
          doc,
          loadState(doc.state, id),
          maskFields(req.readMask, 'read_mask'),
          paths,
        ),
      };
    },

    async deleteDevice(req, ctx) {
      const id = requireId(req.deviceId, 'device_id');
      try {
        await deps.repos.devices.delete(id);
      } catch (e) {
        if (StoreError.is(e, StoreErrorCode.NotFound)) throw NbiError.notFound(`device ${id}`);
        throw e;
      }
      // Its fault mirrors and tasks go with it, so a device that comes back starts clean
      // (bounded: one device has few of either).
      await deleteOfDevice(deps.repos.faults, id);
      await deleteOfDevice(deps.repos.tasks, id);
      await deps.audit.record(ctx.principal.id, 'device.deleted', id, {});
      return {};
    },

    async addTags(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.tags.length === 0) throw NbiError.invalid('tags', 'required');
      const r = await deps.tags.add(req.deviceId, req.tags, ctx.principal.id);
      return { tags: [...r.tags] };
    },

    async removeTags(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.tags.length === 0) throw NbiError.invalid('tags', 'required');
      const r = await deps.tags.remove(req.deviceId, req.tags, ctx.principal.id);
      return { tags: [...r.tags] };
    },

    async watchDevices(req, ctx, send) {
      if (req.deviceIds.length > 1000) throw NbiError.invalid('device_ids', 'at most 1000');
      req.deviceIds.forEach((d, i) => requireId(d, `device_ids.${i}`));
      const forward = (e: DeviceChangeEventV1): void => send(watchMessage(e));
      // Named devices: the feed's per-device listeners, so other devices' changes never reach
      // this stream (rather than every watcher filtering every event).
      const stops =
        req.deviceIds.length === 0
          ? [deps.feed.listen(forward)]
          : [...new Set(req.deviceIds)].map((id) => deps.feed.listen(forward, id));
      try {
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) resolve();
          else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        for (const stop of stops) stop();
      }
    },
  };
}

/** The fields of a DocumentRepository that deleteOfDevice uses (faults and tasks both fit). */
interface DeviceScoped {
  find(
    query: { deviceId: string },
    options: { limit: number },
  ): Promise<{ readonly items: readonly { readonly _id: string }[]; readonly next?: string }>;
  delete(id: string): Promise<void>;
}

/** Deletes every document of the device in `repo`, 500 at a time, 100 rounds at most. */
async function deleteOfDevice(repo: DeviceScoped, deviceId: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const page = await repo.find({ deviceId }, { limit: 500 });
    for (const d of page.items) await repo.delete(d._id).catch(ignoreNotFound);
    if (page.next === undefined) break;
  }
}

function ignoreNotFound(e: unknown): void {
  if (!StoreError.is(e, StoreErrorCode.NotFound)) throw e;
}
