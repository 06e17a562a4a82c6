import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ChannelCredentials } from '@grpc/grpc-js';
import { InMemoryEventBus } from '@acs/bus';
import { emptyDeviceState, type DeviceState } from '@acs/domain';
import {
  openRepositories,
  provisioningApi,
  storeState,
  SystemClock,
  type ProvisioningRepositories,
} from '@acs/provisioning';
import { CreateApiKeyRequest, Role, type CreateApiKeyResponse } from '@acs/proto';
import { SqliteDocumentStore } from '@acs/store';
import type { NbiRole } from '../auth/roles.table';
import { nbiConfigSchema } from '../nbi.config';
import { silentNbiLogger } from '../nbi.ports';
import { startNbi, type NbiHandle } from '../nbi.runtime';
import { ApiCaller } from './api.caller';

// The API on the in-process adapters (embedded SQLite store, in-process bus) with a real gRPC
// server on loopback and one API key per role: what the lib's unit suites call.

export interface NbiHarness {
  readonly store: SqliteDocumentStore;
  readonly bus: InMemoryEventBus;
  readonly repos: ProvisioningRepositories;
  readonly nbi: NbiHandle;
  readonly api: ApiCaller;
  readonly dir: string;
  readonly keys: Readonly<Record<NbiRole, string>>;
  /** The bootstrap admin key (read from its file). */
  readonly bootstrapKey: string;
  close(): Promise<void>;
}

export function sampleDevice(n: number, tags: string[], ssid: string): DeviceState {
  const id = `00D09E-HG-${String(n).padStart(4, '0')}`;
  return {
    ...emptyDeviceState(id, {
      oui: '00D09E',
      productClass: 'HG',
      serialNumber: String(n),
      manufacturer: 'ACME',
    }),
    root: 'Device.',
    tags,
    nodes: {
      'Device.WiFi.SSID.1.SSID': {
        kind: 'parameter',
        value: { type: 'string', value: ssid },
        writable: true,
        valueReadAt: 1,
      },
    },
  };
}

export async function putDevice(repos: ProvisioningRepositories, s: DeviceState): Promise<void> {
  await repos.devices.insert({
    _id: s.id,
    state: storeState(s),
    appliedEvents: [],
    createdAt: 1,
    updatedAt: 1,
  });
}

export async function startHarness(
  env: Record<string, string> = {},
  channel?: ChannelCredentials,
): Promise<NbiHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-'));
  const store = SqliteDocumentStore.open({ directory: ':memory:' });
  const bus = new InMemoryEventBus(1);
  const repos = await openRepositories(store);
  const clock = new SystemClock();
  const nbi = await startNbi({
    config: nbiConfigSchema.parse({ NBI_HOST: '127.0.0.1', NBI_PORT: '0', ...env }),
    store,
    bus,
    provisioning: provisioningApi(repos, bus, clock),
    defaultAdminKeyFile: join(dir, 'admin.key'),
    logger: silentNbiLogger,
  });
  const api = new ApiCaller(`127.0.0.1:${nbi.port}`, channel);
  const bootstrapKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
  const keys: Record<NbiRole, string> = { viewer: '', operator: '', admin: '' };
  for (const [role, r] of [
    ['viewer', Role.ROLE_VIEWER],
    ['operator', Role.ROLE_OPERATOR],
    ['admin', Role.ROLE_ADMIN],
  ] as const) {
    const out = await api.call(
      '/acs.v1.ApiKeysService/CreateApiKey',
      CreateApiKeyRequest.fromPartial({ name: role, role: r }),
      bootstrapKey,
    );
    if (out.code !== status.OK) throw new Error(`CreateApiKey: ${out.details}`);
    keys[role] = (out.messages[0] as CreateApiKeyResponse).secret;
  }
  return {
    store,
    bus,
    repos,
    nbi,
    api,
    dir,
    keys,
    bootstrapKey,
    async close() {
      api.close();
      await nbi.stop();
      await bus.close();
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
