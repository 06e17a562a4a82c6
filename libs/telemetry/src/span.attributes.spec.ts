import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import {
  ATTR,
  initTelemetry,
  isCredentialKey,
  redactAttributes,
  scrubAttributesInPlace,
  startSpan,
  withSpan,
  type TelemetryHandle,
} from './index';

describe(isCredentialKey.name, () => {
  it.each([
    'password',
    'acs.cpe.password',
    'Device.ManagementServer.ConnectionRequestPassword',
    'InternetGatewayDevice.ManagementServer.STUNPassword',
    'Device.WiFi.AccessPoint.1.Security.KeyPassphrase',
    'Device.WiFi.AccessPoint.1.Security.PreSharedKey',
    'Device.WiFi.AccessPoint.1.Security.WEPKey',
    'http.request.header.authorization',
    'http.request.header.cookie',
    'api_key',
    'acs.nbi.token',
    'client_secret',
  ])('treats %s as a credential', (key) => {
    expect(isCredentialKey(key)).toBe(true);
  });

  it.each([
    ATTR.deviceId,
    ATTR.sessionId,
    ATTR.rpcMethod,
    ATTR.faultCode,
    ATTR.messagingKafkaKey,
    ATTR.eventCodes,
    'Device.ManagementServer.ConnectionRequestURL',
    'Device.ManagementServer.Username',
  ])('keeps %s', (key) => {
    expect(isCredentialKey(key)).toBe(false);
  });
});

describe(redactAttributes.name, () => {
  it('drops credential keys and credential-looking values, keeps the rest', () => {
    expect(
      redactAttributes({
        [ATTR.deviceId]: '00D09E-IGD-123',
        'Device.ManagementServer.ConnectionRequestPassword': 'hunter2',
        'http.request.header.x': 'Basic dXNlcjpwYXNz',
        'acs.auth.header':
          'Digest username="cpe", realm="acs", nonce="n", response="0123456789abcdef0123456789abcdef"',
        'acs.connreq.url': 'http://user:pa55@192.0.2.1:7547/cr?x=1',
        [ATTR.eventCodes]: ['1 BOOT', 'Bearer abc.def'],
        [ATTR.faultCode]: 9005,
      }),
    ).toEqual({
      [ATTR.deviceId]: '00D09E-IGD-123',
      'acs.connreq.url': 'http://192.0.2.1:7547/cr?x=1',
      [ATTR.eventCodes]: ['1 BOOT'],
      [ATTR.faultCode]: 9005,
    });
  });

  it('drops an HTTP credential after any whitespace the regex knows, in any letter case (property)', () => {
    // Every character JavaScript's \s matches: the cheap first-character check must let all through.
    const spaces = [...'\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'];
    const ws = fc.array(fc.constantFrom(...spaces), { maxLength: 3 }).map((a) => a.join(''));
    const scheme = fc
      .tuple(fc.constantFrom('basic', 'digest', 'bearer', 'negotiate'), fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }))
      .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(ws, scheme, ws.filter((w) => w !== ''), fc.string({ minLength: 1 }), (a, s, b, rest) => {
        const value = `${a}${s}${b}x${rest}`;
        expect(redactAttributes({ 'http.note': value })).toEqual({});
      }),
    );
    // And values that start otherwise are kept.
    expect(redactAttributes({ v: 'OUI-PC-SN basic x', w: 'acs.cwmp.informs' })).toEqual({
      v: 'OUI-PC-SN basic x',
      w: 'acs.cwmp.informs',
    });
  });

  it('drops a Digest response whatever its case', () => {
    expect(
      redactAttributes({
        'acs.note': 'DIGEST USERNAME="cpe", RESPONSE="0123456789ABCDEF0123456789ABCDEF"',
      }),
    ).toEqual({});
  });

  it('redacts credential keys inside map values', () => {
    expect(redactAttributes({ 'acs.params': { username: 'u', password: 'p' } })).toEqual({
      'acs.params': { username: 'u' },
    });
  });
});

describe(scrubAttributesInPlace.name, () => {
  it('leaves clean values, arrays and maps as they are (the same objects)', () => {
    const codes = ['0 BOOTSTRAP', '1 BOOT'];
    const params = { 'Device.DeviceInfo.SerialNumber': 'SN1', nested: [1, 'x'] };
    const attributes = { [ATTR.eventCodes]: codes, 'acs.params': params, n: 3 };
    expect(scrubAttributesInPlace(attributes)).toBe(0);
    expect(attributes[ATTR.eventCodes]).toBe(codes);
    expect(attributes['acs.params']).toBe(params);
  });

  it('replaces only what holds a credential, keeping the order of what is left', () => {
    const attributes: Record<string, unknown> = {
      list: ['a', 'Basic dXNlcjpwYXNz', 'b', 'http://u:p@h/x'],
      map: { user: 'u', password: 'p', deep: { token: 't', keep: 1 } },
      password: 'p',
      ok: 'v',
    };
    expect(scrubAttributesInPlace(attributes as never)).toBe(3);
    expect(attributes).toEqual({
      list: ['a', 'b', 'http://h/x'],
      map: { user: 'u', deep: { keep: 1 } },
      ok: 'v',
    });
  });
});

describe('RedactingSpanProcessor', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      spanExporter: exporter,
    });
  });
  afterAll(() => telemetry.shutdown());

  const exported = async (): Promise<ReadableSpan> => {
    await telemetry.forceFlush();
    const spans = exporter.getFinishedSpans();
    exporter.reset();
    expect(spans).toHaveLength(1);
    return spans[0]!;
  };

  it('never exports a credential set directly on the span, on an event or on a link', async () => {
    const other = startSpan('other');
    other.end();
    await telemetry.forceFlush();
    exporter.reset();

    const span = startSpan('cpe.auth');
    span.setAttribute('Device.ManagementServer.Password', 'secret!');
    span.setAttribute('http.request.header.authorization', 'Basic dXNlcjpwYXNz');
    span.setAttribute(
      'acs.note',
      'Digest username="u", response="0123456789abcdef0123456789abcdef"',
    );
    span.setAttribute(ATTR.deviceId, 'dev-1');
    span.addEvent('auth', { password: 'p', [ATTR.deviceId]: 'dev-1' });
    span.addLink({
      context: other.spanContext(),
      attributes: { token: 't', [ATTR.linkReason]: 'x' },
    });
    span.end();

    const s = await exported();
    expect(s.attributes).toEqual({ [ATTR.deviceId]: 'dev-1' });
    expect(s.events[0]!.attributes).toEqual({ [ATTR.deviceId]: 'dev-1' });
    expect(s.links[0]!.attributes).toEqual({ [ATTR.linkReason]: 'x' });
    expect(
      JSON.stringify(s.attributes) + JSON.stringify(s.events) + JSON.stringify(s.links),
    ).not.toMatch(/secret!|dXNlcjpwYXNz|0123456789abcdef/);
  });

  it('strips credentials from error messages and a status set directly', async () => {
    const failing = withSpan('connreq.send', {}, () => {
      throw new Error('GET http://cr-user:cr-pass@192.0.2.1:7547/ failed');
    });
    await expect(failing).rejects.toThrow('cr-pass');
    const s = await exported();
    expect(s.status.message).toBe('GET http://192.0.2.1:7547/ failed');
    expect(JSON.stringify(s.events)).not.toContain('cr-pass');

    const direct = startSpan('auth');
    direct.setStatus({ code: 2, message: 'Basic dXNlcjpwYXNz' });
    direct.end();
    expect((await exported()).status.message).toBe('[REDACTED]');
  });

  it('exports no credential among the attributes given to withSpan', async () => {
    await withSpan(
      'x',
      { attributes: { ConnectionRequestPassword: 'p', [ATTR.sessionId]: 's1' } },
      () => {},
    );
    expect((await exported()).attributes).toEqual({ [ATTR.sessionId]: 's1' });
  });
});
