import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedCpe } from '@acs/cpe-sim';
import { loadState } from '@acs/provisioning';
import { expectEventually } from '@acs/testing';
import { loadProvisioningAppConfig } from '../src/provisioning.config';
import { ProvisioningRuntime } from '../src/provisioning.runtime';
import { Cpes, GatewayNode, Watcher, infraEnv, isolation, kafkaBus } from './support/stack';

// The acceptance of issue 5 end to end: simulated CPEs over HTTP → the gateway (in this process,
// real adapters) → Kafka → the provisioning app (its runtime, real adapters) → Redis inbox → the
// gateway → the CPE. FerretDB holds the store.
const PROFILE = `
name: acceptance
parameters:
  Device.ManagementServer.PeriodicInformInterval: 300
  Device.Time.NTPServer1: ntp1.example.net
  Device.Time.NTPServer2: ntp2.example.net
objects:
  - path: Device.NAT.PortMapping.
    key: { ExternalPort: 2222 }
    parameters: { InternalPort: 22, Enable: true, Description: acs-ssh }
`;

const PM = 'Device.NAT.PortMapping.';
const mappings = (cpe: SimulatedCpe): readonly number[] => cpe.model.instancesOf(PM);

describe('Provisioning service (Kafka + Redis + FerretDB + gateway + simulated CPEs)', () => {
  const iso = isolation('prov-e2e');
  let dir: string;
  let gateway: GatewayNode;
  let runtime: ProvisioningRuntime;
  let cpes: Cpes;
  const watcherBus = kafkaBus(iso, 'watcher');
  const watcher = new Watcher(watcherBus);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prov-profiles-'));
    await writeFile(join(dir, 'acceptance.yaml'), PROFILE);
    gateway = await GatewayNode.start(iso);
    runtime = await ProvisioningRuntime.create(
      loadProvisioningAppConfig({
        ...infraEnv(),
        ACS_TOPIC_PREFIX: iso.topicPrefix,
        ACS_REDIS_PREFIX: iso.redisPrefix,
        ACS_MONGODB_DATABASE: iso.database,
        ACS_TOPIC_PARTITIONS: '3',
        ACS_LOG_LEVEL: 'silent',
        PROVISIONING_PROFILE_DIR: dir,
      }),
    );
    await runtime.onApplicationBootstrap();
    await watcher.start();
    cpes = new Cpes(gateway.url);
  }, 60_000);

  afterAll(async () => {
    cpes.stop();
    await watcher.stop();
    await watcherBus.close();
    await runtime.beforeApplicationShutdown();
    await runtime.onApplicationShutdown();
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const repos = () => runtime.handle!.repositories;

  it('applies the profile in the first session, confirmed by the next Inform; then zero RPCs', async () => {
    const cpe = cpes.add('E2EA');
    expect(await cpes.session(cpe, 'bootstrap')).toMatchObject({ ok: true });
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(1), 20_000);
    const first = watcher.ended(cpe.deviceId)[0]!;
    expect(first).toMatchObject({ reason: 'completed' });
    expect(first.rpcCount).toBeGreaterThan(0);
    expect(cpe.model.rawRead('Device.ManagementServer.PeriodicInformInterval')).toBe('300');
    expect(cpe.model.rawRead('Device.Time.NTPServer1')).toBe('ntp1.example.net');
    expect(cpe.model.rawRead('Device.Time.NTPServer2')).toBe('ntp2.example.net');
    // The template has one port mapping (8080); the profile's (2222) is created next to it.
    expect(watcher.rpcTypes(first.sessionId)).toContain('AddObject');
    const pm = mappings(cpe);
    expect(pm.map((i) => cpe.model.rawRead(`${PM}${i}.ExternalPort`))).toEqual(['8080', '2222']);
    expect(cpe.model.rawRead(`${PM}${pm[1]}.InternalPort`)).toBe('22');
    expect(cpe.model.rawRead(`${PM}${pm[1]}.Enable`)).toBe('true');
    const key = cpe.model.rawRead('Device.ManagementServer.ParameterKey');
    expect(key).not.toBe('');

    expect(await cpes.session(cpe, 'cr')).toMatchObject({ ok: true });
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(2), 20_000);
    // Nothing to do = zero RPCs: the empty POST is answered 204 at once.
    expect(watcher.ended(cpe.deviceId)[1]).toMatchObject({ reason: 'completed', rpcCount: 0 });
    await expectEventually(async () => {
      const doc = await repos().devices.findById(cpe.deviceId);
      // TR-069 A.3.2.1: the Inform's ParameterKey is the key of the last write: all applied.
      expect(loadState(doc!.state, cpe.deviceId).parameterKey).toBe(key);
    });
  }, 120_000);

  it('forgets and rediscovers the model when a known device BOOTSTRAPs', async () => {
    const cpe = cpes.add('E2EB');
    await cpes.session(cpe, 'bootstrap');
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(1), 20_000);
    const before = await repos().devices.findById(cpe.deviceId);
    // A factory reset: the device comes back with its template model and a BOOTSTRAP.
    cpe.factoryReset(Date.now());
    expect(mappings(cpe)).toHaveLength(1);
    expect(await cpes.session(cpe, 'bootstrap')).toMatchObject({ ok: true });
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(2), 20_000);
    const again = watcher.ended(cpe.deviceId)[1]!;
    expect(watcher.rpcTypes(again.sessionId)[0]).toBe('GetParameterNames');
    const pm = mappings(cpe);
    expect(pm.map((i) => cpe.model.rawRead(`${PM}${i}.ExternalPort`))).toEqual(['8080', '2222']);
    expect(cpe.model.rawRead('Device.Time.NTPServer1')).toBe('ntp1.example.net');
    const after = await repos().devices.findById(cpe.deviceId);
    const s = loadState(after!.state, cpe.deviceId);
    expect(s.lastBootstrap).toBeGreaterThan(loadState(before!.state, cpe.deviceId).lastBootstrap!);
    // The model was rediscovered: exactly the device's instances are known, none from before.
    const known = Object.keys(s.nodes).filter((p) => /^Device\.NAT\.PortMapping\.\d+\.$/.test(p));
    expect(known.sort()).toEqual(pm.map((i) => `${PM}${i}.`).sort());
    const audit = await repos().audit.find({ deviceId: cpe.deviceId, action: 'device.bootstrap' });
    expect(audit.items).toHaveLength(1);
    await expectEventually(() =>
      expect(
        watcher.changes.filter((c) => c.deviceId === cpe.deviceId && c.bootstrap),
      ).toHaveLength(2),
    );
    await cpes.session(cpe, 'cr');
    await expectEventually(() => expect(watcher.ended(cpe.deviceId)).toHaveLength(3), 20_000);
    expect(watcher.ended(cpe.deviceId)[2]).toMatchObject({ rpcCount: 0 });
  }, 120_000);
});
