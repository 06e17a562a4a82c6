import { InMemoryEventBus } from '@acs/bus';
import { emptyDeviceState } from '@acs/domain';
import type { DocumentStore } from '@acs/store';
import { expectEventually } from '@acs/testing';
import {
  decodeDeviceChange,
  DEVICE_CHANGES_TOPIC,
  type DeviceChangeEventV1,
} from '../device-change.event';
import { loadState, storeState } from '../device.document';
import { ProvisioningErrorCode } from '../provisioning.error';
import { openRepositories, type ProvisioningRepositories } from '../provisioning.repositories';
import { TagService } from '../tag.service';

/** How the tag contract reaches one store backend (a fresh, empty database per call). */
export interface TagContractHarness {
  open(): Promise<DocumentStore>;
  dispose(store: DocumentStore): Promise<void>;
}

const DEVICE = 'ACME-HGW-SN1';

/**
 * The TagService over a real DocumentStore adapter: the same tests run on SQLite (unit) and on
 * FerretDB (integration), so the patch/idempotency/outbox writes are proven on both wire paths.
 * The bus is the in-process one: this contract is about the store, the change event is only
 * checked for having been published once.
 */
export function describeTagServiceContract(name: string, harness: () => TagContractHarness): void {
  describe(`${TagService.name} contract: ${name}`, () => {
    let h: TagContractHarness;
    let store: DocumentStore;
    let repos: ProvisioningRepositories;
    let bus: InMemoryEventBus;
    let changes: DeviceChangeEventV1[];
    let now: number;
    let ids: number;
    let tags: TagService;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
      repos = await openRepositories(store);
      bus = new InMemoryEventBus(1);
      changes = [];
      await bus.subscribe({
        groupId: 'watcher',
        topics: [DEVICE_CHANGES_TOPIC],
        handler: async (m) => {
          changes.push(decodeDeviceChange(m.value));
        },
      });
      now = 1_800_000_000_000;
      ids = 0;
      tags = new TagService(repos, bus, { now: () => now }, undefined, {
        next: () => `op${++ids}`,
      });
      const state = emptyDeviceState(DEVICE, {
        oui: 'ACME',
        productClass: 'HGW',
        serialNumber: 'SN1',
        manufacturer: 'Acme',
      });
      await repos.devices.insert({
        _id: DEVICE,
        state: storeState(state),
        appliedEvents: [],
        createdAt: now,
        updatedAt: now,
      });
    });

    afterEach(async () => {
      await bus.close();
      await h.dispose(store);
    });

    it('adds tags with one write, an audit entry naming the actor and a change event', async () => {
      const before = (await repos.devices.findById(DEVICE))!;
      now += 1000;
      const view = await tags.add(DEVICE, ['residential', 'fw-beta'], 'alice');
      expect(view).toEqual({
        deviceId: DEVICE,
        tags: ['residential', 'fw-beta'],
        added: ['residential', 'fw-beta'],
        removed: [],
        changed: true,
      });
      const doc = (await repos.devices.findById(DEVICE))!;
      // One write for the change, one to mark its outbox done.
      expect(doc._version).toBe(before._version + 2);
      expect(doc.outbox?.done).toBe(true);
      expect(loadState(doc.state, DEVICE).tags).toEqual(['residential', 'fw-beta']);
      expect(await tags.get(DEVICE)).toEqual(['residential', 'fw-beta']);
      const audit = await repos.audit.find({ deviceId: DEVICE, action: 'tags.changed' });
      expect(audit.items.map((a) => [a.actor, a.at, a.details])).toEqual([
        ['alice', now, { added: ['residential', 'fw-beta'], removed: [], tags: view.tags }],
      ]);
      await expectEventually(() =>
        expect(changes).toEqual([
          expect.objectContaining({
            deviceId: DEVICE,
            cause: 'api',
            tags: ['residential', 'fw-beta'],
            tagsChanged: true,
            parameters: [],
          }),
        ]),
      );
    });

    it('changes nothing when the tags are already as asked', async () => {
      await tags.add(DEVICE, ['residential'], 'alice');
      const v = (await repos.devices.findById(DEVICE))!._version;
      const again = await tags.add(DEVICE, ['residential'], 'bob');
      const none = await tags.remove(DEVICE, ['business'], 'bob');
      expect([again.changed, none.changed]).toEqual([false, false]);
      expect(again.tags).toEqual(['residential']);
      expect((await repos.devices.findById(DEVICE))!._version).toBe(v);
      expect(await repos.audit.count({ deviceId: DEVICE, action: 'tags.changed' })).toBe(1);
    });

    it('applies a retried call with the same requestId once, even after a later change', async () => {
      await tags.add(DEVICE, ['a'], 'alice', 'req-1');
      await tags.remove(DEVICE, ['a'], 'bob');
      const retried = await tags.add(DEVICE, ['a'], 'alice', 'req-1');
      expect(retried).toMatchObject({ changed: false, tags: [] });
      expect(await tags.get(DEVICE)).toEqual([]);
      expect(await repos.audit.count({ deviceId: DEVICE, action: 'tags.changed' })).toBe(2);
      await expectEventually(() => expect(changes).toHaveLength(2));
    });

    it('adds and removes in one call, keeping the other tags', async () => {
      await tags.add(DEVICE, ['a', 'b', 'c'], 'alice');
      const view = await tags.change({ deviceId: DEVICE, add: ['d'], remove: ['b'] }, 'bob');
      expect(view).toMatchObject({ tags: ['a', 'c', 'd'], added: ['d'], removed: ['b'] });
    });

    it('reloads and retries when the device document changed under the write', async () => {
      const devices = repos.devices;
      let raced = false;
      // Another writer (the provisioning service) bumps the document right before our write.
      const racing: ProvisioningRepositories = {
        ...repos,
        devices: new Proxy(devices, {
          get(target, prop) {
            if (prop === 'update')
              return async (...args: Parameters<typeof devices.update>) => {
                if (!raced) {
                  raced = true;
                  const cur = (await target.findById(DEVICE))!;
                  await target.update(DEVICE, cur._version, { $set: { updatedAt: now + 1 } });
                }
                return target.update(...args);
              };
            const v: unknown = Reflect.get(target, prop, target);
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
      };
      const racer = new TagService(racing, bus, { now: () => now });
      const view = await racer.add(DEVICE, ['x'], 'alice');
      expect(raced).toBe(true);
      expect(view.tags).toEqual(['x']);
      const doc = (await devices.findById(DEVICE))!;
      expect(doc.updatedAt).toBe(now);
      expect(loadState(doc.state, DEVICE).tags).toEqual(['x']);
      expect(await repos.audit.count({ deviceId: DEVICE, action: 'tags.changed' })).toBe(1);
    });

    it('refuses bad tags and unknown devices without writing', async () => {
      const v = (await repos.devices.findById(DEVICE))!._version;
      await expect(tags.add(DEVICE, [''], 'alice')).rejects.toMatchObject({
        code: ProvisioningErrorCode.InvalidTags,
      });
      await expect(tags.add(DEVICE, ['has space'], 'alice')).rejects.toMatchObject({
        code: ProvisioningErrorCode.InvalidTags,
      });
      await expect(tags.add(DEVICE, ['x'.repeat(65)], 'alice')).rejects.toMatchObject({
        code: ProvisioningErrorCode.InvalidTags,
      });
      await expect(
        tags.change({ deviceId: DEVICE, add: ['a'], remove: ['a'] }, 'alice'),
      ).rejects.toMatchObject({ code: ProvisioningErrorCode.InvalidTags });
      await expect(tags.add('NO-SUCH-DEVICE', ['a'], 'alice')).rejects.toMatchObject({
        code: ProvisioningErrorCode.DeviceNotFound,
      });
      expect((await repos.devices.findById(DEVICE))!._version).toBe(v);
    });
  });
}
