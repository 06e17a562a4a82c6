import type { CwmpValue, CwmpValueType } from '@acs/cwmp';
import { device, s, TR098, TR181, u } from '../testing/device.fixtures';
import { lexical, sameValue, toCwmpValue, typeFor } from './value.convert';

describe(toCwmpValue.name, () => {
  it.each<[string | number | boolean, CwmpValueType, string | undefined]>([
    ['x', 'string', 'x'],
    [42, 'string', '42'],
    [true, 'boolean', 'true'],
    ['0', 'boolean', 'false'],
    ['yes', 'boolean', undefined],
    [-5, 'int', '-5'],
    [2147483648, 'int', undefined],
    ['4294967295', 'unsignedInt', '4294967295'],
    [-1, 'unsignedInt', undefined],
    [1.5, 'unsignedInt', undefined],
    ['-9223372036854775808', 'long', '-9223372036854775808'],
    ['9223372036854775808', 'long', undefined],
    ['18446744073709551615', 'unsignedLong', '18446744073709551615'],
    ['2026-01-01T03:00:00Z', 'dateTime', '2026-01-01T03:00:00Z'],
    ['tomorrow', 'dateTime', undefined],
    ['1.50', 'decimal', '1.50'],
    ['1e5', 'decimal', undefined],
    ['AQID', 'base64', 'AQID'],
    ['not base64!', 'base64', undefined],
    ['0a0B', 'hexBinary', '0a0b'],
    ['abc', 'hexBinary', undefined],
  ])('%j as %s → %s', (raw, type, want) => {
    const v = toCwmpValue(raw, type);
    expect(v === undefined ? undefined : lexical(v)).toBe(want);
    if (v !== undefined) expect(v.type).toBe(type);
  });
});

describe(sameValue.name, () => {
  const d = (value: string): CwmpValue => ({ type: 'dateTime', value });
  const dec = (value: string): CwmpValue => ({ type: 'decimal', value });
  it.each<[CwmpValue, CwmpValue, boolean]>([
    [s('a'), s('a'), true],
    [s('a'), s('b'), false],
    [s('1'), { type: 'boolean', value: true }, true],
    [s('true'), { type: 'boolean', value: true }, true],
    [u(5), { type: 'int', value: 5 }, true],
    [d('2026-01-01T03:00:00.000Z'), d('2026-01-01T03:00:00Z'), true],
    [d('2026-01-01T04:00:00+01:00'), d('2026-01-01T03:00:00Z'), true],
    [d('2026-01-01T03:00:01Z'), d('2026-01-01T03:00:00Z'), false],
    [dec('+001.500'), dec('1.5'), true],
    [dec('-0.0'), dec('0'), true],
    [dec('1.05'), dec('1.5'), false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(sameValue(a, b)).toBe(want);
  });
});

describe(typeFor.name, () => {
  it('prefers the type the device reported, then the data model, then string', () => {
    const st = device('Device.', TR181);
    expect(typeFor(st, 'Device.ManagementServer.PeriodicInformInterval')).toEqual({
      type: 'unsignedInt',
      from: 'device',
    });
    expect(typeFor(st, 'Device.NAT.PortMapping.7.ExternalPort')).toEqual({
      type: 'unsignedInt',
      from: 'model',
    });
    expect(typeFor(st, 'Device.WiFi.SSID.[guest].Enable')).toEqual({
      type: 'boolean',
      from: 'model',
    });
    expect(typeFor(st, 'Device.X_ACME.Thing')).toEqual({ type: 'string', from: 'default' });
    expect(
      typeFor(
        device('InternetGatewayDevice.', TR098),
        'InternetGatewayDevice.ManagementServer.PeriodicInformEnable',
      ),
    ).toEqual({ type: 'boolean', from: 'model' });
  });

  it('keeps an xsi:type the device used that the codec does not know', () => {
    const st = device('Device.', {
      'Device.X.Level': { type: 'string', value: '3', xsiType: 'unsignedByte' },
    });
    expect(typeFor(st, 'Device.X.Level')).toEqual({
      type: 'string',
      xsiType: 'unsignedByte',
      from: 'device',
    });
  });
});
