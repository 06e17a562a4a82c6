import { serializeEnvelope } from '@acs/cwmp';
import { expectEventually } from '@acs/testing';
import { TOPICS, encodeInboxEntry, type InboxEntry } from '@acs/events';
import { CwmpSessionHandler } from './cwmp-session.handler';
import { ManualClock, startTestGateway, type TestGateway } from './testing/gateway.harness';

describe(CwmpSessionHandler.name, () => {
  let gw: TestGateway;
  afterEach(async () => gw.close());

  describe('without provisioning (mode none)', () => {
    beforeEach(async () => {
      gw = await startTestGateway();
    });

    it('answers an Inform with InformResponse only after the Inform is on the bus, then ends on the empty POST', async () => {
      const cpe = gw.cpe('P1');
      const r1 = await cpe.send(cpe.informMessage(['2 PERIODIC']));
      expect(r1.status).toBe(200);
      expect(r1.envelope?.body).toEqual({ type: 'InformResponse', maxEnvelopes: 1 });
      expect(r1.envelope?.header.id).toBe('1');
      expect(r1.headers['set-cookie']?.[0]).toMatch(/^acs_session=/);
      // Recorded at broker-ack time: already there when the CPE holds the InformResponse.
      const informs = gw.bus.on(TOPICS.informs);
      expect(informs).toHaveLength(1);
      expect(informs[0]).toMatchObject({ schema: 'cwmp.inform.v1', deviceId: '00D09E-HG-P1' });
      const r2 = await cpe.send(null);
      expect(r2.status).toBe(204);
      expect(await gw.registry.lockHolder('00D09E-HG-P1')).toBeNull();
      expect(
        gw.bus.on(TOPICS.sessions).map((e) => (e.schema === 'cwmp.session.v1' ? e.kind : '')),
      ).toEqual(['started', 'ended']);
    });

    it('refuses a first request that is not an Inform with 400', async () => {
      const cpe = gw.cpe('P2');
      expect((await cpe.send(null)).status).toBe(400);
      expect((await cpe.send({ type: 'TransferCompleteResponse' })).status).toBe(400);
    });

    it('answers every CPE-originated request and publishes it first', async () => {
      const cpe = gw.cpe('P3');
      await cpe.send(cpe.informMessage(['7 TRANSFER COMPLETE', 'M Download|ck1']));
      const tc = await cpe.send({
        type: 'TransferComplete',
        commandKey: 'ck1',
        faultStruct: { faultCode: 0, faultString: '' },
        startTime: '2026-11-29T10:00:00Z',
        completeTime: '2026-11-29T10:01:00Z',
      });
      expect(tc.envelope?.body.type).toBe('TransferCompleteResponse');
      const rpc = await cpe.send({ type: 'GetRPCMethods' });
      expect(rpc.envelope?.body).toMatchObject({
        type: 'GetRPCMethodsResponse',
        methodList: expect.arrayContaining(['Inform', 'TransferComplete']) as unknown,
      });
      const kicked = await cpe.send({
        type: 'Kicked',
        command: 'c',
        referer: 'r',
        arg: 'a',
        next: 'http://x/next',
      });
      expect(kicked.envelope?.body).toEqual({ type: 'KickedResponse', nextUrl: 'http://x/next' });
      const rd = await cpe.send({
        type: 'RequestDownload',
        fileType: '1 Firmware Upgrade Image',
        fileTypeArg: [],
      });
      expect(rd.envelope?.body.type).toBe('RequestDownloadResponse');
      const requests = gw.bus.on(TOPICS.requests);
      expect(requests.map((e) => (e.schema === 'cwmp.request.v1' ? e.request.type : ''))).toEqual([
        'TransferComplete',
        'GetRPCMethods',
        'Kicked',
        'RequestDownload',
      ]);
      expect(new Set(requests.map((e) => e.eventId)).size).toBe(4);
      expect((await cpe.send(null)).status).toBe(204);
    });

    it('answers an unknown CPE method with fault 8000 and keeps the session', async () => {
      const cpe = gw.cpe('P4');
      await cpe.send(cpe.informMessage(['2 PERIODIC']));
      const body = `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">77</cwmp:ID></soap-env:Header><soap-env:Body><cwmp:X_Vendor_Thing/></soap-env:Body></soap-env:Envelope>`;
      const r = await cpe.post(body);
      expect(r.status).toBe(200);
      expect(r.envelope?.body).toMatchObject({ type: 'Fault', detail: { faultCode: 8000 } });
      expect(r.envelope?.header.id).toBe('77');
      expect((await cpe.send(null)).status).toBe(204);
    });

    it('refuses a second concurrent session for the same device with 503 and Retry-After', async () => {
      const a = gw.cpe('P5');
      const b = gw.cpe('P5');
      expect((await a.send(a.informMessage(['2 PERIODIC']))).status).toBe(200);
      const second = await b.send(b.informMessage(['2 PERIODIC']));
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe(String(gw.config.retryAfterSeconds));
      expect((await a.send(null)).status).toBe(204);
      expect((await b.send(b.informMessage(['2 PERIODIC']))).status).toBe(200);
    });

    it('lets the same CPE restart its session with a new Inform carrying the old cookie', async () => {
      const cpe = gw.cpe('P6');
      await cpe.send(cpe.informMessage(['2 PERIODIC']));
      const again = await cpe.send(cpe.informMessage(['2 PERIODIC'], [], 1));
      expect(again.status).toBe(200);
      const ended = gw.bus
        .on(TOPICS.sessions)
        .filter((e) => e.schema === 'cwmp.session.v1' && e.kind === 'ended');
      expect(ended).toMatchObject([{ reason: 'superseded' }]);
      expect((await cpe.send(null)).status).toBe(204);
    });

    it('negotiates the version with UseCWMPVersion (CWMP 1.4)', async () => {
      const cpe = gw.cpe('P7', { version: '1.4' });
      const body = serializeEnvelope({
        version: '1.4',
        header: { id: '1', supportedCwmpVersions: ['1.0', '1.2', '1.4'] },
        body: cpe.informMessage(['1 BOOT']),
      });
      const r = await cpe.post(body);
      expect(r.envelope?.header.useCwmpVersion).toBe('1.4');
      expect(gw.bus.on(TOPICS.informs)[0]).toMatchObject({ cwmpVersion: '1.4' });
    });

    it('caps concurrent sessions per pod with 503', async () => {
      await gw.close();
      gw = await startTestGateway({ GATEWAY_MAX_SESSIONS: '1' });
      const a = gw.cpe('C1');
      const b = gw.cpe('C2');
      expect((await a.send(a.informMessage(['2 PERIODIC']))).status).toBe(200);
      expect((await b.send(b.informMessage(['2 PERIODIC']))).status).toBe(503);
      await a.send(null);
      expect((await b.send(b.informMessage(['2 PERIODIC']))).status).toBe(200);
    });

    it('drains: refuses new sessions, waits for open ones', async () => {
      const a = gw.cpe('D1');
      await a.send(a.informMessage(['2 PERIODIC']));
      let drained = false;
      const draining = gw.gateway.handler.drain().then(() => (drained = true));
      const b = gw.cpe('D2');
      expect((await b.send(b.informMessage(['2 PERIODIC']))).status).toBe(503);
      expect(drained).toBe(false);
      expect((await a.send(null)).status).toBe(204);
      await draining;
      expect(drained).toBe(true);
    });
  });

  describe('with provisioning (mode inbox)', () => {
    beforeEach(async () => {
      gw = await startTestGateway({ GATEWAY_PROVISIONING: 'inbox', GATEWAY_INBOX_WAIT_MS: '2000' });
    });

    const push = async (sessionId: string, ...entries: InboxEntry[]): Promise<void> =>
      gw.registry.pushInbox(sessionId, entries.map(encodeInboxEntry), 10_000);

    it('sends inbox RPCs with cwmp:ID = rpcId and publishes responses and faults', async () => {
      const cpe = gw.cpe('I1');
      await cpe.send(cpe.informMessage(['0 BOOTSTRAP', '1 BOOT']));
      const sessionId = gw.bus.on(TOPICS.informs)[0]!.sessionId;
      await push(
        sessionId,
        {
          kind: 'rpc',
          rpcId: 'gpv-1',
          request: { type: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.'] },
        },
        {
          kind: 'rpc',
          rpcId: 'spv-1',
          holdRequests: true,
          request: {
            type: 'SetParameterValues',
            parameterList: [{ name: 'Device.X', value: { type: 'long', value: 1n << 40n } }],
            parameterKey: 'k',
          },
        },
        { kind: 'done' },
      );
      const r1 = await cpe.send(null);
      expect(r1.envelope?.header.id).toBe('gpv-1');
      expect(r1.envelope?.body.type).toBe('GetParameterValues');
      const r2 = await cpe.send({
        type: 'GetParameterValuesResponse',
        parameterList: [
          { name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: 'SW1' } },
        ],
      });
      expect(r2.envelope?.header).toMatchObject({ id: 'spv-1', holdRequests: true });
      const r3 = await cpe.send({
        type: 'Fault',
        faultCode: 'Client',
        faultString: 'CWMP fault',
        detail: {
          faultCode: 9003,
          faultString: 'Invalid arguments',
          setParameterValuesFault: [
            { parameterName: 'Device.X', faultCode: 9008, faultString: 'Read only' },
          ],
        },
      });
      expect(r3.status).toBe(204);
      const results = gw.bus.on(TOPICS.rpcResults);
      expect(results).toMatchObject([
        { rpcId: 'gpv-1', requestType: 'GetParameterValues', outcome: { kind: 'response' } },
        {
          rpcId: 'spv-1',
          requestType: 'SetParameterValues',
          outcome: { kind: 'fault', fault: { detail: { faultCode: 9003 } } },
        },
      ]);
      expect(gw.bus.on(TOPICS.sessions).at(-1)).toMatchObject({
        kind: 'ended',
        reason: 'completed',
        rpcCount: 2,
      });
    });

    it('sends an RPC once even when provisioning pushes its entry again (redelivery)', async () => {
      const cpe = gw.cpe('I4');
      await cpe.send(cpe.informMessage(['2 PERIODIC']));
      const sessionId = gw.bus.on(TOPICS.informs)[0]!.sessionId;
      const gpv: InboxEntry = {
        kind: 'rpc',
        rpcId: 's.1.0',
        request: { type: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.'] },
      };
      await push(sessionId, gpv);
      const r1 = await cpe.send(null);
      expect(r1.envelope?.header.id).toBe('s.1.0');
      await push(sessionId, gpv, { kind: 'done' });
      const r2 = await cpe.send({ type: 'GetParameterValuesResponse', parameterList: [] });
      expect(r2.status).toBe(204);
      expect(gw.bus.on(TOPICS.sessions).at(-1)).toMatchObject({ kind: 'ended', rpcCount: 1 });
    });

    it('ends the session with 204 and reason inbox-timeout when provisioning says nothing', async () => {
      const cpe = gw.cpe('I2');
      await cpe.send(cpe.informMessage(['2 PERIODIC']));
      expect((await cpe.send(null)).status).toBe(204);
      expect(gw.bus.on(TOPICS.sessions).at(-1)).toMatchObject({
        kind: 'ended',
        reason: 'inbox-timeout',
      });
    });

    it('refuses a response that does not answer the outstanding RPC with 400', async () => {
      const cpe = gw.cpe('I3');
      await cpe.send(cpe.informMessage(['2 PERIODIC']));
      await push(gw.bus.on(TOPICS.informs)[0]!.sessionId, {
        kind: 'rpc',
        rpcId: 'r',
        request: { type: 'Reboot', commandKey: 'x' },
      });
      await cpe.send(null);
      expect(
        (await cpe.send({ type: 'GetParameterValuesResponse', parameterList: [] })).status,
      ).toBe(400);
    });
  });

  it('ends an idle session after the timeout, releases the lock and keeps the events', async () => {
    const clock = new ManualClock();
    gw = await startTestGateway(
      { GATEWAY_SESSION_TIMEOUT_MS: '5000', GATEWAY_INBOX_WAIT_MS: '1000' },
      clock,
    );
    const cpe = gw.cpe('T1');
    await cpe.send(cpe.informMessage(['2 PERIODIC']));
    expect(await gw.registry.lockHolder('00D09E-HG-T1')).not.toBeNull();
    clock.advance(5000);
    await expectSessionEnded(gw, 'idle-timeout');
    expect(await gw.registry.lockHolder('00D09E-HG-T1')).toBeNull();
    expect(gw.bus.on(TOPICS.informs)).toHaveLength(1);
    expect((await cpe.send(null)).status).toBe(400);
  });
});

async function expectSessionEnded(gw: TestGateway, reason: string): Promise<void> {
  await expectEventually(() =>
    expect(gw.bus.on(TOPICS.sessions).at(-1)).toMatchObject({ kind: 'ended', reason }),
  );
}
