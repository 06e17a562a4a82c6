import { CpeTestClient, type CpeTestClientOptions } from '@acs/gateway';
import type { CwmpEvent, InboxEntry } from '@acs/events';
import { expectEventually } from '@acs/testing';
import { FakeProvisioning, isolation, startPod, stopPod } from './support/e2e.harness';
import type { GatewayRuntime } from '../src/gateway.runtime';

// Complete sessions against the gateway on real Kafka and Redis, with this test playing
// provisioning: it consumes the gateway's events and fills the session inbox.
describe('CWMP gateway sessions (Kafka + Redis)', () => {
  const iso = isolation('gw-sessions');
  let pod: { runtime: GatewayRuntime; url: string };
  let shortPod: { runtime: GatewayRuntime; url: string };
  let provisioning: FakeProvisioning;
  const clients: CpeTestClient[] = [];

  const plan = (event: CwmpEvent): InboxEntry[] => {
    const serial = event.deviceId.split('-').at(-1) ?? '';
    if (event.schema === 'cwmp.inform.v1') {
      if (serial.startsWith('BOOT'))
        return [
          {
            kind: 'rpc',
            rpcId: `${event.sessionId}-gpv`,
            request: {
              type: 'GetParameterValues',
              parameterNames: ['InternetGatewayDevice.DeviceInfo.'],
            },
          },
        ];
      if (serial.startsWith('FAULT'))
        return [
          {
            kind: 'rpc',
            rpcId: `${event.sessionId}-spv`,
            request: {
              type: 'SetParameterValues',
              parameterList: [
                { name: 'Device.DeviceInfo.X_RO', value: { type: 'string', value: 'x' } },
              ],
              parameterKey: 'k1',
            },
          },
        ];
      if (serial.startsWith('GONE')) return [];
      return [{ kind: 'done' }];
    }
    if (event.schema === 'cwmp.rpc-result.v1') return [{ kind: 'done' }];
    return [];
  };

  beforeAll(async () => {
    provisioning = new FakeProvisioning(iso, plan);
    await provisioning.start();
    pod = await startPod(iso, {
      GATEWAY_PROVISIONING: 'inbox',
      GATEWAY_INBOX_WAIT_MS: '15000',
      GATEWAY_SESSION_TIMEOUT_MS: '20000',
    });
    shortPod = await startPod(iso, {
      GATEWAY_PROVISIONING: 'inbox',
      GATEWAY_INBOX_WAIT_MS: '1000',
      GATEWAY_SESSION_TIMEOUT_MS: '2000',
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await stopPod(pod.runtime);
    await stopPod(shortPod.runtime);
    await provisioning.stop();
  }, 60_000);

  const cpe = (url: string, serial: string, root: CpeTestClientOptions['root']): CpeTestClient => {
    const c = new CpeTestClient({
      url,
      root,
      identity: {
        manufacturer: 'Acme',
        oui: '00D09E',
        productClass: root === 'Device' ? 'TR181' : 'TR098',
        serialNumber: serial,
      },
    });
    clients.push(c);
    return c;
  };

  it('runs a periodic session of a TR-181 device', async () => {
    const c = cpe(pod.url, 'PERIODIC1', 'Device');
    const r1 = await c.send(c.informMessage(['2 PERIODIC']));
    expect(r1.envelope?.body).toEqual({ type: 'InformResponse', maxEnvelopes: 1 });
    expect((await c.send(null)).status).toBe(204);
    const id = '00D09E-TR181-PERIODIC1';
    await expectEventually(
      () =>
        expect(provisioning.of('cwmp.session.v1', id).map((e) => e.kind)).toEqual([
          'started',
          'ended',
        ]),
      20_000,
    );
    expect(provisioning.of('cwmp.inform.v1', id)).toHaveLength(1);
    expect(provisioning.of('cwmp.session.v1', id)[1]).toMatchObject({ reason: 'completed' });
  });

  it('runs a BOOTSTRAP+BOOT session of a TR-098 device with an RPC from provisioning', async () => {
    const c = cpe(pod.url, 'BOOT1', 'InternetGatewayDevice');
    await c.send(c.informMessage(['0 BOOTSTRAP', '1 BOOT']));
    const rpc = await c.send(null);
    expect(rpc.envelope?.body).toEqual({
      type: 'GetParameterValues',
      parameterNames: ['InternetGatewayDevice.DeviceInfo.'],
    });
    const done = await c.send({
      type: 'GetParameterValuesResponse',
      parameterList: [
        {
          name: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion',
          value: { type: 'string', value: 'SW1' },
        },
      ],
    });
    expect(done.status).toBe(204);
    const id = '00D09E-TR098-BOOT1';
    await expectEventually(
      () => expect(provisioning.of('cwmp.rpc-result.v1', id)).toHaveLength(1),
      20_000,
    );
    expect(provisioning.of('cwmp.rpc-result.v1', id)[0]).toMatchObject({
      rpcId: rpc.envelope?.header.id,
      outcome: { kind: 'response' },
    });
    expect(provisioning.of('cwmp.inform.v1', id)[0]?.inform.event.map((e) => e.eventCode)).toEqual([
      '0 BOOTSTRAP',
      '1 BOOT',
    ]);
  });

  it('runs a session that carries a TransferComplete', async () => {
    const c = cpe(pod.url, 'TC1', 'Device');
    await c.send(c.informMessage(['7 TRANSFER COMPLETE', 'M Download|fw-1']));
    const tc = await c.send({
      type: 'TransferComplete',
      commandKey: 'fw-1',
      faultStruct: { faultCode: 0, faultString: '' },
      startTime: '2026-11-29T10:00:00Z',
      completeTime: '2026-11-29T10:02:00Z',
    });
    expect(tc.envelope?.body.type).toBe('TransferCompleteResponse');
    expect((await c.send(null)).status).toBe(204);
    const id = '00D09E-TR181-TC1';
    await expectEventually(
      () => expect(provisioning.of('cwmp.request.v1', id)).toHaveLength(1),
      20_000,
    );
    expect(provisioning.of('cwmp.request.v1', id)[0]?.request).toMatchObject({
      type: 'TransferComplete',
      commandKey: 'fw-1',
    });
  });

  it('publishes the fault a CPE answers an RPC with', async () => {
    const c = cpe(pod.url, 'FAULT1', 'Device');
    await c.send(c.informMessage(['2 PERIODIC']));
    const spv = await c.send(null);
    expect(spv.envelope?.body.type).toBe('SetParameterValues');
    const end = await c.send({
      type: 'Fault',
      faultCode: 'Client',
      faultString: 'CWMP fault',
      detail: {
        faultCode: 9003,
        faultString: 'Invalid arguments',
        setParameterValuesFault: [
          { parameterName: 'Device.DeviceInfo.X_RO', faultCode: 9008, faultString: 'not writable' },
        ],
      },
    });
    expect(end.status).toBe(204);
    const id = '00D09E-TR181-FAULT1';
    await expectEventually(
      () => expect(provisioning.of('cwmp.rpc-result.v1', id)).toHaveLength(1),
      20_000,
    );
    expect(provisioning.of('cwmp.rpc-result.v1', id)[0]?.outcome).toMatchObject({
      kind: 'fault',
      fault: { detail: { faultCode: 9003, setParameterValuesFault: [{ faultCode: 9008 }] } },
    });
  });

  it('releases the lock of a CPE that disappears mid-session, after the timeout, and keeps its events', async () => {
    const c = cpe(shortPod.url, 'GONE1', 'Device');
    expect((await c.send(c.informMessage(['2 PERIODIC']))).status).toBe(200);
    const id = '00D09E-TR181-GONE1';
    expect(await provisioning.registry.lockHolder(id)).not.toBeNull();
    // The CPE sends nothing more.
    await expectEventually(
      async () => expect(await provisioning.registry.lockHolder(id)).toBeNull(),
      15_000,
    );
    await expectEventually(
      () =>
        expect(provisioning.of('cwmp.session.v1', id).at(-1)).toMatchObject({
          kind: 'ended',
          reason: 'idle-timeout',
        }),
      20_000,
    );
    expect(provisioning.of('cwmp.inform.v1', id)).toHaveLength(1);
    // The device can start its next session at once.
    const again = cpe(shortPod.url, 'GONE1', 'Device');
    expect((await again.send(again.informMessage(['2 PERIODIC']))).status).toBe(200);
  });
});
