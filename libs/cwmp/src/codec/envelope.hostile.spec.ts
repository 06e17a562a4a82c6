import { performance } from 'node:perf_hooks';
import { CwmpError, CwmpErrorCode, parseEnvelope } from '../index';
import { billionLaughs, deepNesting, externalEntity, hugeBody } from '@acs/testing';

// Each hostile body must be refused with a typed error, fast. The limit asserted here is generous
// (timing asserts are flaky on shared CI); `npm run bench:cwmp` prints the real times (target < 50 ms).

const CASES: readonly [string, () => string | Buffer, CwmpErrorCode][] = [
  ['billion laughs', billionLaughs, CwmpErrorCode.DoctypeForbidden],
  ['external entity (XXE)', externalEntity, CwmpErrorCode.DoctypeForbidden],
  ['100 MB body', () => hugeBody(), CwmpErrorCode.LimitExceeded],
  ['100,000-deep nesting', () => deepNesting(), CwmpErrorCode.LimitExceeded],
];

describe('parseEnvelope on hostile input', () => {
  const timings: string[] = [];
  afterAll(() => {
    console.log(`hostile input → typed error: ${timings.join(', ')} (target < 50 ms each)`);
  });

  it.each(CASES)('%s → typed error in well under 500 ms', (name, make, code) => {
    const input = make();
    const t0 = performance.now();
    let error: unknown;
    try {
      parseEnvelope(input);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - t0;
    timings.push(`${name} ${ms.toFixed(2)} ms`);
    expect(error).toBeInstanceOf(CwmpError);
    expect((error as CwmpError).code).toBe(code);
    expect(ms).toBeLessThan(500);
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
