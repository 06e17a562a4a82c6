import { loadInfraConfig } from '@acs/config';
import { uniqueName } from '@acs/testing';
import { ConnreqErrorCode } from '../connreq.error';
import { describeBindingStoreContract } from '../testing/binding-store.contract';
import { RedisBindingStore } from './binding-store.redis';

const { REDIS_URL } = loadInfraConfig();
const keyPrefix = `${uniqueName('connreq-test')}:`;

describeBindingStoreContract(`redis ${REDIS_URL}`, () =>
  Promise.resolve(new RedisBindingStore({ url: REDIS_URL, keyPrefix })),
);

describe(RedisBindingStore.name, () => {
  it('shares bindings between two STUN server pods', async () => {
    const a = new RedisBindingStore({ url: REDIS_URL, keyPrefix });
    const b = new RedisBindingStore({ url: REDIS_URL, keyPrefix });
    try {
      const d = uniqueName('dev');
      await a.put(
        {
          deviceId: d,
          address: '127.0.0.2',
          port: 5000,
          updatedAt: 1,
          natDetected: false,
          changed: false,
        },
        60_000,
      );
      expect(await b.get(d)).toMatchObject({ address: '127.0.0.2', port: 5000 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('reports an unreachable server as Unavailable', async () => {
    const dead = new RedisBindingStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 300 });
    try {
      await expect(dead.get('d')).rejects.toMatchObject({ code: ConnreqErrorCode.Unavailable });
    } finally {
      await dead.close();
    }
  });
});
