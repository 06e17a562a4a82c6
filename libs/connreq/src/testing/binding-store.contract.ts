import { expectEventually } from '@acs/testing';
import type { BindingStore, StunBinding } from '../ports/binding-store.port';
import { ConnreqErrorCode } from '../connreq.error';

/** The behaviour every BindingStore adapter shows; run on the in-process one and on Redis. */
export function describeBindingStoreContract(
  name: string,
  create: () => Promise<BindingStore>,
): void {
  describe(`BindingStore contract: ${name}`, () => {
    let store: BindingStore;
    let n = 0;
    const dev = () => `dev-${process.pid}-${Date.now()}-${n++}`;
    const binding = (deviceId: string, port = 40000): StunBinding => ({
      deviceId,
      address: '127.0.0.9',
      port,
      updatedAt: 1_700_000_000_000,
      natDetected: true,
      changed: false,
    });

    beforeEach(async () => {
      store = await create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns the binding stored for a device, and nothing for another', async () => {
      const d = dev();
      await store.put(binding(d), 60_000);
      expect(await store.get(d)).toEqual(binding(d));
      expect(await store.get(dev())).toBeUndefined();
    });

    it('replaces a binding when the CPE reports a new one', async () => {
      const d = dev();
      await store.put(binding(d, 40000), 60_000);
      await store.put({ ...binding(d, 40001), changed: true }, 60_000);
      expect(await store.get(d)).toMatchObject({ port: 40001, changed: true });
    });

    it('forgets a binding after its TTL', async () => {
      const d = dev();
      await store.put(binding(d), 150);
      await expectEventually(async () => (await store.get(d)) === undefined, 5_000);
    });

    it('deletes a binding', async () => {
      const d = dev();
      await store.put(binding(d), 60_000);
      await store.delete(d);
      expect(await store.get(d)).toBeUndefined();
    });

    it('refuses a binding without a valid port or TTL', async () => {
      await expect(store.put(binding(dev(), 0), 1000)).rejects.toMatchObject({
        code: ConnreqErrorCode.InvalidArgument,
      });
      await expect(store.put(binding(dev()), 0)).rejects.toMatchObject({
        code: ConnreqErrorCode.InvalidArgument,
      });
    });
  });
}
