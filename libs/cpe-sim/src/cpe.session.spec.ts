import { parseEnvelope, serializeEnvelope } from '@acs/cwmp';
import { runSession, type SessionTransport } from './cpe.session';
import { DEFAULT_GROUP } from './device-group.config';
import { applyXmlQuirks, parseQuirks } from './quirk.profile';
import { ManualClock } from './sim.clock';
import { SimulatedCpe } from './simulated-cpe';
import { SimHarness } from './testing/sim-harness';

describe(runSession.name, () => {
  it('sends BOOTSTRAP and BOOT on first contact, then only BOOT after a restart', async () => {
    const h = new SimHarness();
    const cpe = h.device();
    h.fleet.boot(cpe);
    await h.settle();
    h.fleet.boot(cpe, false);
    await h.settle();
    expect(h.informEvents(cpe)).toEqual([['0 BOOTSTRAP', '1 BOOT'], ['1 BOOT']]);
    expect(h.acs.sent('Inform')[0]?.deviceId).toEqual({
      manufacturer: 'ACME Networks',
      oui: '00D09E',
      productClass: 'HG2000',
      serialNumber: 'SIM00000000',
    });
  });

  it('keeps events until acknowledged and retries with the TR-069 backoff and RetryCount', async () => {
    const h = new SimHarness({ random: () => 0 });
    const cpe = h.device();
    h.acs.down = true;
    h.fleet.boot(cpe);
    await h.settle();
    expect(cpe.state).toEqual({ kind: 'retryWait', until: h.clock.now() + 5000 });
    expect(cpe.events?.map((e) => e.eventCode)).toEqual(['0 BOOTSTRAP', '1 BOOT']);
    // Second failure: wait in [m·k, m·k²] = [10 s, 20 s] with random 0 → 10 s.
    await h.advance(5000, 1);
    expect(cpe.state).toEqual({ kind: 'retryWait', until: h.clock.now() + 10_000 });
    h.acs.down = false;
    await h.advance(10_000, 1);
    const informs = h.acs.sent('Inform');
    expect(informs).toHaveLength(1);
    expect(informs[0]?.retryCount).toBe(2);
    expect(informs[0]?.event.map((e) => e.eventCode)).toEqual(['0 BOOTSTRAP', '1 BOOT']);
    expect(cpe.events).toBeUndefined();
    expect(cpe.retryCount).toBe(0);
  });

  it('caps the retry exponent at 10', () => {
    const cpe = new SimulatedCpe(0, DEFAULT_GROUP, new ManualClock());
    cpe.retryCount = 25;
    expect(cpe.retryDelayMs(() => 1)).toBe(5 * 2 ** 10 * 1000);
    expect(cpe.retryDelayMs(() => 0)).toBe(5 * 2 ** 9 * 1000);
  });

  it('informs PERIODIC on the PeriodicInformTime phase', async () => {
    const h = new SimHarness();
    const start = h.clock.now();
    // Phase 15 minutes after the hour, interval 1 h: the first PERIODIC falls at :15.
    const cpe = h.device({
      informIntervalSec: 3600,
      periodicInformTime: new Date(start + 15 * 60_000).toISOString(),
    });
    cpe.model.write(
      'Device.ManagementServer.PeriodicInformTime',
      new Date(start - 45 * 60_000).toISOString(),
    );
    h.fleet.boot(cpe);
    await h.settle();
    await h.advance(15 * 60_000 - 1000, 1);
    expect(h.acs.sent('Inform')).toHaveLength(1);
    await h.advance(2000, 1);
    expect(h.informEvents(cpe).at(-1)).toEqual(['2 PERIODIC']);
    await h.advance(3600_000, 1);
    expect(h.informEvents(cpe)).toHaveLength(3);
  });

  it('reports an active notification with VALUE CHANGE at once, a passive one at the next inform', async () => {
    const h = new SimHarness();
    const cpe = h.device();
    h.fleet.boot(cpe);
    await h.settle();
    cpe.model.setNotification('Device.WiFi.SSID.1.SSID', 2);
    cpe.model.setNotification('Device.Hosts.Host.1.HostName', 1);
    h.fleet.changeValue(cpe, 'Device.Hosts.Host.1.HostName', 'laptop');
    await h.settle();
    expect(h.acs.sent('Inform')).toHaveLength(1);
    h.fleet.changeValue(cpe, 'Device.WiFi.SSID.1.SSID', 'neighbour');
    await h.settle();
    const last = h.acs.sent('Inform').at(-1);
    expect(last?.event.map((e) => e.eventCode)).toEqual(['4 VALUE CHANGE']);
    expect(last?.parameterList.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Device.WiFi.SSID.1.SSID', 'Device.Hosts.Host.1.HostName']),
    );
  });

  it('delivers an event raised during a session in the next session', async () => {
    const h = new SimHarness();
    const cpe = h.device();
    h.fleet.boot(cpe);
    await h.settle();
    cpe.model.setNotification('Device.WiFi.SSID.1.SSID', 2);
    h.acs.queue(cpe, { type: 'GetRPCMethods' });
    h.fleet.connectionRequest(cpe);
    // The user changes the SSID while the ACS session is running.
    h.fleet.changeValue(cpe, 'Device.WiFi.SSID.1.SSID', 'during');
    await h.settle();
    expect(h.informEvents(cpe).slice(1)).toEqual([['6 CONNECTION REQUEST'], ['4 VALUE CHANGE']]);
  });

  it('refuses a connection request during a session or faster than the rate limit', async () => {
    const h = new SimHarness();
    const cpe = h.device({ crMinIntervalMs: 10_000 });
    h.fleet.boot(cpe);
    await h.settle();
    expect(h.fleet.connectionRequest(cpe)).toBe(true);
    expect(h.fleet.connectionRequest(cpe)).toBe(false);
    await h.settle();
    h.clock.advance(5_000);
    expect(h.fleet.connectionRequest(cpe)).toBe(false);
    h.clock.advance(5_000);
    expect(h.fleet.connectionRequest(cpe)).toBe(true);
  });

  it('offers CWMP 1.4 and switches to the version the ACS chose', async () => {
    const clock = new ManualClock();
    const cpe = new SimulatedCpe(1, { ...DEFAULT_GROUP, cwmpVersion: '1.4' }, clock);
    cpe.addEvent('1 BOOT');
    const sent: string[] = [];
    const transport: SessionTransport = {
      post: async (xml) => {
        sent.push(xml);
        if (sent.length === 1)
          return {
            status: 200,
            body: serializeEnvelope({
              version: '1.4',
              header: { id: '1', useCwmpVersion: '1.2' },
              body: { type: 'InformResponse', maxEnvelopes: 1 },
            }),
          };
        if (sent.length === 2)
          return {
            status: 200,
            body: serializeEnvelope({
              version: '1.2',
              header: { id: 'g' },
              body: { type: 'GetRPCMethods' },
            }),
          };
        return { status: 204, body: '' };
      },
      close: () => undefined,
    };
    expect(await runSession(cpe, transport, clock)).toEqual({ ok: true, messages: 3 });
    expect(parseEnvelope(sent[0] ?? '').header.supportedCwmpVersions).toEqual([
      '1.0',
      '1.1',
      '1.2',
      '1.3',
      '1.4',
    ]);
    expect(parseEnvelope(sent[2] ?? '')).toMatchObject({ version: '1.2', header: { id: 'g' } });
  });

  it('fails the session on a non-InformResponse answer, an HTTP error or a malformed body', async () => {
    const clock = new ManualClock();
    const cpe = new SimulatedCpe(1, DEFAULT_GROUP, clock);
    const answer = (status: number, body: string): SessionTransport => ({
      post: async () => ({ status, body }),
      close: () => undefined,
    });
    expect(await runSession(cpe, answer(500, ''), clock)).toMatchObject({
      ok: false,
      error: 'HTTP 500 from the ACS',
    });
    expect(await runSession(cpe, answer(204, ''), clock)).toMatchObject({ ok: false });
    expect(await runSession(cpe, answer(200, '<soap:Envelope'), clock)).toMatchObject({
      ok: false,
    });
    expect(
      await runSession(
        cpe,
        answer(200, serializeEnvelope({ version: '1.2', body: { type: 'GetRPCMethods' } })),
        clock,
      ),
    ).toMatchObject({
      ok: false,
      error: 'expected InformResponse, got GetRPCMethods',
    });
  });
});

describe(applyXmlQuirks.name, () => {
  const gpv = serializeEnvelope({
    version: '1.2',
    header: { id: '1' },
    body: {
      type: 'GetParameterValuesResponse',
      parameterList: [{ name: 'A.B', value: { type: 'boolean', value: true } }],
    },
  });

  it('drops xsi:type and makes arrayType odd, and the codec still reads the result', () => {
    const xml = applyXmlQuirks(gpv, { missingXsiType: true, oddArrayType: true }, true);
    expect(xml).toContain('<Value>true</Value>');
    expect(xml).toContain('arrayType="cwmp:ParameterValueStruct[]"');
    expect(parseEnvelope(xml).body).toMatchObject({
      parameterList: [{ name: 'A.B', value: { type: 'string', value: 'true' } }],
    });
  });

  it('makes responses malformed', () => {
    expect(() => parseEnvelope(applyXmlQuirks(gpv, { malformedResponses: true }, true))).toThrow();
  });

  it('parses a quirk mix and refuses unknown quirks', () => {
    expect(parseQuirks('booleanDigits, slowResponseMs=20,dropAfterMessages=2')).toEqual({
      booleanDigits: true,
      slowResponseMs: 20,
      dropAfterMessages: 2,
    });
    expect(() => parseQuirks('teleport')).toThrow('unknown quirk');
    expect(() => parseQuirks('slowResponseMs=-1')).toThrow('non-negative');
  });

  it('sends booleans as 1/0, reports inverted writability, omits instance numbers, drops mid-session', async () => {
    const h = new SimHarness();
    const cpe = h.device({
      quirks: { booleanDigits: true, wrongWritability: true, omitInstanceNumber: true },
    });
    h.fleet.boot(cpe);
    await h.settle();
    h.acs.queue(
      cpe,
      { type: 'GetParameterValues', parameterNames: ['Device.ManagementServer.EnableCWMP'] },
      {
        type: 'GetParameterNames',
        parameterPath: 'Device.DeviceInfo.SoftwareVersion',
        nextLevel: false,
      },
      { type: 'AddObject', objectName: 'Device.NAT.PortMapping.', parameterKey: '' },
    );
    h.fleet.connectionRequest(cpe);
    await h.settle();
    const xml = h.acs.seen.map((s) => s.xml);
    expect(xml.some((x) => x.includes('<Value xsi:type="xsd:boolean">1</Value>'))).toBe(true);
    expect(h.acs.sent('GetParameterNamesResponse')[0]?.parameterList).toEqual([
      { name: 'Device.DeviceInfo.SoftwareVersion', writable: true },
    ]);
    expect(xml.some((x) => x.includes('AddObjectResponse') && !x.includes('InstanceNumber'))).toBe(
      true,
    );

    const h2 = new SimHarness({ random: () => 0 });
    const dropper = h2.device({ quirks: { dropAfterMessages: 1 } });
    h2.fleet.boot(dropper);
    await h2.settle();
    expect(h2.fleet.stats.failed).toBe(1);
    expect(dropper.state.kind).toBe('retryWait');
  });

  it('waits before each message when slow', async () => {
    const h = new SimHarness();
    const cpe = h.device({ quirks: { slowResponseMs: 5000 } });
    h.fleet.boot(cpe);
    await h.settle();
    expect(h.acs.seen).toHaveLength(0);
    await h.advance(5000, 1);
    expect(h.acs.sent('Inform')).toHaveLength(1);
  });
});
