import type { Inform } from '@acs/cwmp';
import { deriveDeviceId, parseDeviceId } from './device-id';
import { decodeEvent, encodeEvent, type InformEventV1 } from './event.schemas';
import { EventsError, EventsErrorCode } from './events.error';
import { decodeInboxEntry, encodeInboxEntry } from './inbox.codec';
import { decodeJson, encodeJson } from './json.codec';

function codeOf(fn: () => unknown): EventsErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof EventsError) return e.code;
    throw e;
  }
  return undefined;
}

const inform: Inform = {
  type: 'Inform',
  deviceId: { manufacturer: 'Acme', oui: '00D09E', productClass: 'IGD', serialNumber: 'SN-1' },
  event: [{ eventCode: '2 PERIODIC', commandKey: '' }],
  maxEnvelopes: 1,
  currentTime: '2026-01-01T00:00:00Z',
  retryCount: 0,
  parameterList: [
    { name: 'Device.X.Big', value: { type: 'unsignedLong', value: 18446744073709551615n } },
    { name: 'Device.X.Blob', value: { type: 'base64', value: new Uint8Array([0, 1, 255]) } },
  ],
};

describe('event codec', () => {
  it('round-trips bigint and bytes losslessly', () => {
    const back = decodeJson(encodeJson({ a: -5n, b: new Uint8Array([7, 8]), c: [1n] }));
    expect(back).toEqual({ a: -5n, b: new Uint8Array([7, 8]), c: [1n] });
  });

  it('writes a Buffer as bytes too, not as its toJSON shape', () => {
    expect(decodeJson(encodeJson({ b: Buffer.from([1, 2, 3]) }))).toEqual({
      b: new Uint8Array([1, 2, 3]),
    });
  });

  it('round-trips an Inform event and validates its schema', () => {
    const event: InformEventV1 = {
      schema: 'cwmp.inform.v1',
      eventId: 's1/inform',
      deviceId: '00D09E-IGD-SN%2D1',
      sessionId: 's1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      cwmpVersion: '1.2',
      inform,
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('refuses an unknown schema version', () => {
    expect(codeOf(() => decodeEvent('{"schema":"cwmp.inform.v9"}'))).toBe(
      EventsErrorCode.UnknownSchema,
    );
  });

  it('refuses an event that lacks required fields', () => {
    const bad = '{"schema":"cwmp.session.v1","kind":"ended","eventId":"x"}';
    expect(() => decodeEvent(bad)).toThrow(EventsError);
  });

  it('refuses text that is not JSON', () => {
    expect(codeOf(() => decodeEvent('{nope'))).toBe(EventsErrorCode.InvalidEvent);
  });
});

describe('inbox entries', () => {
  it('round-trips an rpc entry with a bigint value and trace context', () => {
    const entry = {
      kind: 'rpc' as const,
      rpcId: 'r1',
      holdRequests: true,
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      request: {
        type: 'SetParameterValues' as const,
        parameterList: [{ name: 'Device.A', value: { type: 'long' as const, value: 1n << 62n } }],
        parameterKey: 'k',
      },
    };
    expect(decodeInboxEntry(encodeInboxEntry(entry))).toEqual(entry);
  });

  it('round-trips done', () => {
    expect(decodeInboxEntry(encodeInboxEntry({ kind: 'done' }))).toEqual({ kind: 'done' });
  });

  it.each([
    ['not json', '{'],
    ['unknown kind', '{"kind":"later"}'],
    ['rpc without id', '{"kind":"rpc","request":{"type":"Reboot"}}'],
    ['rpc without request type', '{"kind":"rpc","rpcId":"1","request":{}}'],
    ['bad holdRequests', '{"kind":"rpc","rpcId":"1","request":{"type":"Reboot"},"holdRequests":1}'],
  ])('refuses %s', (_name, text) => {
    expect(codeOf(() => decodeInboxEntry(text))).toBe(EventsErrorCode.InvalidInboxEntry);
  });
});

describe(deriveDeviceId.name, () => {
  it.each([
    [{ oui: '00D09E', productClass: 'IGD', serialNumber: '123' }, '00D09E-IGD-123'],
    [{ oui: '00D09E', serialNumber: '123' }, '00D09E-123'],
    [{ oui: '00D09E', productClass: '', serialNumber: '123' }, '00D09E-123'],
    [
      { oui: '00D09E', productClass: 'Home Gateway', serialNumber: 'A-1/é' },
      '00D09E-Home%20Gateway-A%2D1%2F%C3%A9',
    ],
  ] as [{ oui: string; productClass?: string; serialNumber: string }, string][])(
    'derives %j as %s',
    (identity, expected) => {
      expect(deriveDeviceId(identity)).toBe(expected);
      expect(parseDeviceId(expected)).toEqual({
        oui: identity.oui,
        serialNumber: identity.serialNumber,
        ...(identity.productClass ? { productClass: identity.productClass } : {}),
      });
    },
  );

  it('refuses an empty serial number', () => {
    expect(codeOf(() => deriveDeviceId({ oui: '00D09E', serialNumber: '' }))).toBe(
      EventsErrorCode.InvalidDeviceId,
    );
  });
});
