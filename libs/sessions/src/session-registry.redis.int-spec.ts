import { loadInfraConfig } from '@acs/config';
import { uniqueName } from '@acs/testing';
import { RedisSessionRegistry } from './session-registry.redis';
import { SessionsErrorCode } from './sessions.error';
import { describeSessionRegistryContract } from './testing/session-registry.contract';

const { REDIS_URL } = loadInfraConfig();
const prefix = `${uniqueName('sessions-test')}:`;

describeSessionRegistryContract(
  `redis ${REDIS_URL}`,
  async () => new RedisSessionRegistry({ url: REDIS_URL, keyPrefix: prefix }),
);

describe(RedisSessionRegistry.name, () => {
  it('shares locks between two registries (two gateway pods)', async () => {
    const podA = new RedisSessionRegistry({ url: REDIS_URL, keyPrefix: prefix });
    const podB = new RedisSessionRegistry({ url: REDIS_URL, keyPrefix: prefix });
    try {
      const dev = uniqueName('dev');
      expect(await podA.acquireLock(dev, 'a', 10_000)).toBe(true);
      expect(await podB.acquireLock(dev, 'b', 10_000)).toBe(false);
      const pending = podB.popInbox('sess-' + dev, 5_000);
      await podA.pushInbox('sess-' + dev, ['from-a'], 10_000);
      expect(await pending).toBe('from-a');
    } finally {
      await Promise.all([podA.close(), podB.close()]);
    }
  });

  it('reports an unreachable server as Unavailable', async () => {
    const dead = new RedisSessionRegistry({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 300 });
    try {
      await expect(dead.acquireLock('d', 't', 1000)).rejects.toMatchObject({
        code: SessionsErrorCode.Unavailable,
      });
    } finally {
      await dead.close();
    }
  });
});
