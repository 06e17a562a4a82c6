import { DomainError } from '../domain.error';
import { parseCron, previousTick } from './schedule';

const utc = (d: number, h: number, m: number): number => Date.UTC(2026, 0, d, h, m);

describe(parseCron.name, () => {
  it.each([
    ['0 3 * * *', utc(1, 3, 30), utc(1, 3, 0)],
    ['0 3 * * *', utc(1, 2, 59), Date.UTC(2025, 11, 31, 3, 0)],
    ['*/15 * * * *', utc(1, 3, 44), utc(1, 3, 30)],
    ['0 0 * * 1', utc(8, 12, 0), utc(5, 0, 0)], // 2026-01-05 is a Monday
    ['30 2 1 * *', utc(20, 0, 0), utc(1, 2, 30)],
    ['0 1-3 * * *', utc(1, 5, 0), utc(1, 3, 0)],
    ['0 4 1 1 *', Date.UTC(2026, 5, 1), utc(1, 4, 0)],
  ])('%s at %d → %d', (expr, now, tick) => {
    expect(previousTick(parseCron(expr), now)).toBe(tick);
  });

  it('treats 7 as Sunday and ORs restricted day-of-month and day-of-week', () => {
    expect(previousTick(parseCron('0 0 * * 7'), utc(5, 0, 0))).toBe(utc(4, 0, 0)); // 2026-01-04 Sunday
    expect(previousTick(parseCron('0 0 13 * 5'), utc(10, 0, 0))).toBe(utc(9, 0, 0)); // Friday 9th
  });

  it('finds no tick for a day that never comes', () => {
    expect(previousTick(parseCron('0 0 31 2 *'), utc(1, 0, 0))).toBeUndefined();
  });

  it.each(['* * *', '60 * * * *', '* 24 * * *', '5-1 * * * *', '*/0 * * * *', 'a b c d e'])(
    'refuses %s',
    (expr) => {
      expect(() => parseCron(expr)).toThrow(DomainError);
    },
  );
});
