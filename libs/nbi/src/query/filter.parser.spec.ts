import { emptyDeviceState, type DeviceState } from '@acs/domain';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { evaluateFilter, parseFilter } from './filter.parser';

const facts = { oui: '00D09E', productClass: 'HG8245', serialNumber: 'SN1', manufacturer: 'ACME' };

function state(over: Partial<DeviceState> = {}, values: Record<string, string> = {}): DeviceState {
  const nodes: DeviceState['nodes'] = Object.fromEntries(
    Object.entries(values).map(([p, v]) => [
      p,
      { kind: 'parameter' as const, value: { type: 'string' as const, value: v } },
    ]),
  );
  return { ...emptyDeviceState('00D09E-HG8245-SN1', facts), nodes, ...over };
}

function matches(filter: string, s: DeviceState): boolean {
  return evaluateFilter(parseFilter(filter), s);
}

function errorOf(filter: string): NbiError {
  try {
    parseFilter(filter);
  } catch (e) {
    if (e instanceof NbiError) return e;
    throw e;
  }
  throw new Error(`"${filter}" parsed`);
}

describe(parseFilter.name, () => {
  const lab = state(
    { tags: ['lab', 'north'], softwareVersion: '2.10.1' },
    { 'Device.WiFi.SSID.1.SSID': 'home', 'Device.DeviceInfo.ModelName': 'X1' },
  );

  it.each([
    ['', true],
    ['tag = "lab"', true],
    ['tag = "south"', false],
    ['tag = "lab" AND Device.WiFi.SSID.1.SSID = "home"', true],
    ['tag = "south" OR Device.WiFi.SSID.1.SSID = "home"', true],
    ['NOT tag = "lab"', false],
    ['NOT (tag = "south" OR oui != "00D09E")', true],
    ['softwareVersion > "2.9"', true],
    ['softwareVersion >= "2.10.1"', true],
    ['softwareVersion < "2.10.1"', false],
    ['softwareVersion <= "2.10.0"', false],
    ['productClass IN ("A", "HG8245")', true],
    ['serialNumber PREFIX "SN"', true],
    ['manufacturer MATCHES "^AC"', true],
    ['Device.DeviceInfo.ModelName EXISTS', true],
    ['Device.DeviceInfo.HardwareVersion EXISTS', false],
    ['Device.DeviceInfo.HardwareVersion != "x"', true],
    ['tag = "lab" and not tag = "south" or oui = "nope"', true],
  ])('evaluates %s → %s', (filter, expected) => {
    expect(matches(filter, lab)).toBe(expected);
  });

  it('binds AND tighter than OR', () => {
    expect(matches('tag = "x" AND tag = "y" OR tag = "lab"', lab)).toBe(true);
    expect(matches('tag = "x" AND (tag = "y" OR tag = "lab")', lab)).toBe(false);
  });

  it.each([
    ['tag = ', 6, 'expected a value'],
    ['tag "lab"', 4, 'expected an operator'],
    ['(tag = "lab"', 12, 'expected ")"'],
    ['tag = "lab" extra', 12, 'expected AND, OR or the end'],
    ['colour = "red"', 0, 'unknown field "colour"'],
    ['tag = "unterminated', 6, 'unterminated string'],
    ['tag = "lab" # x', 12, 'unexpected "#"'],
    ['manufacturer MATCHES "("', 21, 'not a regular expression'],
    ['AND tag = "x"', 0, 'expected a field'],
  ])('refuses %j naming position %i', (filter, position, message) => {
    const e = errorOf(filter);
    expect(e.code).toBe(NbiErrorCode.InvalidFilter);
    expect(e.details).toMatchObject({ field: 'filter', position });
    expect(e.message).toContain(message);
    expect(e.message).toContain(`at position ${position}`);
  });

  it('refuses nesting beyond its depth limit instead of overflowing the stack', () => {
    const deep = `${'NOT '.repeat(200)}tag = "x"`;
    expect(errorOf(deep).message).toContain('nested deeper than');
    expect(errorOf(`${'('.repeat(1000)}tag = "x"${')'.repeat(1000)}`).code).toBe(
      NbiErrorCode.InvalidFilter,
    );
  });

  it('refuses an over-long expression', () => {
    expect(errorOf(`tag = "${'x'.repeat(5000)}"`).message).toContain('longer than');
  });
});
