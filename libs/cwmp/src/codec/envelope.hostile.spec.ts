import { CwmpError, CwmpErrorCode, parseEnvelope } from '../index';
import { billionLaughs, deepNesting, externalEntity, hugeBody } from '@acs/testing';

// Each hostile body must be refused with a typed error. How fast is measured by `npm run bench:cwmp`
// (target < 50 ms each), not asserted here: timing assertions fail on a loaded machine.

const CASES: readonly [string, () => string | Buffer, CwmpErrorCode][] = [
  ['billion laughs', billionLaughs, CwmpErrorCode.DoctypeForbidden],
  ['external entity (XXE)', externalEntity, CwmpErrorCode.DoctypeForbidden],
  ['100 MB body', () => hugeBody(), CwmpErrorCode.LimitExceeded],
  ['100,000-deep nesting', () => deepNesting(), CwmpErrorCode.LimitExceeded],
];

describe('parseEnvelope on hostile input', () => {
  it.each(CASES)('%s → typed error', (_name, make, code) => {
    let error: unknown;
    try {
      parseEnvelope(make());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CwmpError);
    expect((error as CwmpError).code).toBe(code);
  });

  it('names the limit that stopped the huge and the deep body', () => {
    const limitOf = (input: string | Buffer): unknown => {
      try {
        parseEnvelope(input);
      } catch (e) {
        return (e as CwmpError).details.limit;
      }
      return undefined;
    };
    expect(limitOf(hugeBody())).toBe('maxBytes');
    expect(limitOf(deepNesting())).toBe('maxDepth');
  });

  it('refuses the entity expansion even without the DOCTYPE', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Kicked><Command>&lol9;</Command></Kicked></s:Body></s:Envelope>';
    expect(() => parseEnvelope(xml)).toThrow(
      expect.objectContaining({ code: CwmpErrorCode.EntityForbidden }) as Error,
    );
  });
});
