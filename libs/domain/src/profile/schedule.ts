import { DomainError, DomainErrorCode } from '../domain.error';

// Cron-like schedules (minute hour day-of-month month day-of-week, UTC) evaluated against an
// injected `now`: the ACS cannot wake a device at a tick, so an action is due when the device's
// session falls within `window` after the latest tick and the action has not run since that tick.

const FIELD = '(?:\\*|[0-9]+(?:-[0-9]+)?)(?:/[0-9]+)?';
const LIST = `${FIELD}(?:,${FIELD})*`;
export const CRON_PATTERN = new RegExp(`^\\s*${LIST}(?:\\s+${LIST}){4}\\s*$`);

export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  /** Cron semantics: when both day fields are restricted, either may match. */
  readonly dayOr: boolean;
}

function field(text: string, min: number, max: number, expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = Number(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : Number(b);
    }
    if (step < 1 || lo < min || hi > max || lo > hi)
      throw new DomainError(DomainErrorCode.InvalidSchedule, `field out of range in "${expr}"`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): CronSpec {
  if (!CRON_PATTERN.test(expr))
    throw new DomainError(
      DomainErrorCode.InvalidSchedule,
      `not a 5-field cron expression: ${expr}`,
    );
  const [m = '', h = '', dom = '', mon = '', dow = ''] = expr.trim().split(/\s+/);
  const weekdays = field(dow, 0, 7, expr);
  if (weekdays.has(7)) weekdays.add(0); // 7 is Sunday too
  return {
    minutes: field(m, 0, 59, expr),
    hours: field(h, 0, 23, expr),
    days: field(dom, 1, 31, expr),
    months: field(mon, 1, 12, expr),
    weekdays,
    dayOr: dom !== '*' && dow !== '*',
  };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const SEARCH_DAYS = 366 * 5; // covers Feb 29 schedules

function dayMatches(spec: CronSpec, d: Date): boolean {
  if (!spec.months.has(d.getUTCMonth() + 1)) return false;
  const dom = spec.days.has(d.getUTCDate());
  const dow = spec.weekdays.has(d.getUTCDay());
  return spec.dayOr ? dom || dow : dom && dow;
}

/** The latest tick at or before `now` (epoch ms, whole minutes), or undefined if none in 5 years. */
export function previousTick(spec: CronSpec, now: number): number | undefined {
  const hours = [...spec.hours].sort((a, b) => b - a);
  const minutes = [...spec.minutes].sort((a, b) => b - a);
  const today = Math.floor(now / DAY) * DAY;
  for (let k = 0; k < SEARCH_DAYS; k++) {
    const day = today - k * DAY;
    if (!dayMatches(spec, new Date(day))) continue;
    for (const h of hours)
      for (const m of minutes) {
        const t = day + h * 3_600_000 + m * MINUTE;
        if (t <= now) return t;
      }
  }
  return undefined;
}
