import fc from 'fast-check';
import { DomainError } from '../domain.error';
import { escapeKeys, escapePathKey, unescapeKeys, unescapePathKey } from './path-key';

describe(escapePathKey.name, () => {
  it.each([
    ['Device.WiFi.SSID.1.SSID', 'Device%2EWiFi%2ESSID%2E1%2ESSID'],
    ['$where', '%24where'],
    ['100%', '100%25'],
    ['plain', 'plain'],
    ['Device.WiFi.SSID.[cpe-1].', 'Device%2EWiFi%2ESSID%2E[cpe-1]%2E'],
  ])('escapes %s as %s', (path, key) => {
    expect(escapePathKey(path)).toBe(key);
    expect(unescapePathKey(key)).toBe(path);
  });

  it('produces keys MongoDB accepts (no ".", no leading "$") and round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const key = escapePathKey(text);
        expect(key.includes('.')).toBe(false);
        expect(key.startsWith('$')).toBe(false);
        expect(unescapePathKey(key)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a key it did not produce', () => {
    expect(() => unescapePathKey('a%2Fb')).toThrow(DomainError);
    expect(() => unescapePathKey('50%')).toThrow(DomainError);
  });

  it('keeps a __proto__ key as data, not as the prototype', () => {
    const rec = JSON.parse('{"__proto__": 1, "a.b": 2}') as Record<string, number>;
    const back = unescapeKeys(escapeKeys(rec));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'a.b']);
    expect(back['a.b']).toBe(2);
  });

  it('escapes and unescapes every key of a record', () => {
    const rec = { 'A.b': 1, $c: 2 };
    expect(escapeKeys(rec)).toEqual({ 'A%2Eb': 1, '%24c': 2 });
    expect(unescapeKeys(escapeKeys(rec))).toEqual(rec);
  });
});
