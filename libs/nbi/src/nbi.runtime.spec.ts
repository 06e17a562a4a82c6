import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventBus, type SubscribeOptions, type Subscription } from '@acs/bus';
import { SystemClock, openRepositories, provisioningApi } from '@acs/provisioning';
import { SqliteDocumentStore } from '@acs/store';
import { nbiConfigSchema } from './nbi.config';
import { silentNbiLogger } from './nbi.ports';
import { startNbi } from './nbi.runtime';

/** An in-process bus that counts live subscriptions (subscribed and not stopped). */
class CountingBus extends InMemoryEventBus {
  live = 0;
  override async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const sub = await super.subscribe(options);
    this.live++;
    return {
      stop: async () => {
        this.live--;
        await sub.stop();
      },
    };
  }
}

describe(startNbi.name, () => {
  it('leaves no change feed consuming when start-up fails before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-start-'));
    const store = SqliteDocumentStore.open({ directory: ':memory:' });
    const bus = new CountingBus(1);
    const repos = await openRepositories(store);
    const clock = new SystemClock();
    const start = startNbi({
      config: nbiConfigSchema.parse({
        NBI_HOST: '127.0.0.1',
        NBI_PORT: '0',
        NBI_JWT_RS256_PUBLIC_KEY_FILE: join(dir, 'missing.pem'),
      }),
      store,
      bus,
      provisioning: provisioningApi(repos, bus, clock),
      defaultAdminKeyFile: join(dir, 'admin.key'),
      logger: silentNbiLogger,
    });
    await expect(start).rejects.toThrow(/missing\.pem/);
    expect(bus.live).toBe(0);
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
