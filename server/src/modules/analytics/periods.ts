import { InvalidInputError } from '../../errors.ts';
import { wallTimeToUtc } from '../imports/values.ts';
import { localParts } from '../loyalty/tiers.ts';

/**
 * Calendar periods on the store's wall clock, pure. A period is half-open [start, end); its label is
 * the local date it starts on ("2026-03-01" for March 2026, the Monday for an ISO week). SQL groups
 * the same way with `date_trunc(<sqlTrunc>, ts AT TIME ZONE <store zone>)`, so buckets from SQL and
 * from `periodsBetween` share labels.
 */

export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Half-open instant range [from, to). */
export interface DateRange {
  from: Date;
  to: Date;
}

export interface Period {
  /** Local start date, "YYYY-MM-DD". */
  label: string;
  start: Date;
  end: Date;
}

/** The most periods one series may have (a chart of 1,000 points is already unreadable). */
export const MAX_PERIODS = 1_000;

/** `date_trunc` unit for a granularity (weeks start on Monday, as ISO and PostgreSQL have it). */
export function sqlTrunc(granularity: Granularity): 'day' | 'week' | 'month' | 'quarter' | 'year' {
  return granularity.toLowerCase() as 'day' | 'week' | 'month' | 'quarter' | 'year';
}

function label(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.toISOString().slice(0, 10);
}

/** Local calendar start (as a UTC-encoded wall date) of the period containing wall date y-m-d. */
function truncWall(year: number, month: number, day: number, granularity: Granularity): number {
  switch (granularity) {
    case 'DAY':
      return Date.UTC(year, month - 1, day);
    case 'WEEK': {
      const wall = Date.UTC(year, month - 1, day);
      const weekday = (new Date(wall).getUTCDay() + 6) % 7; // Monday = 0
      return wall - weekday * 86_400_000;
    }
    case 'MONTH':
      return Date.UTC(year, month - 1, 1);
    case 'QUARTER':
      return Date.UTC(year, Math.floor((month - 1) / 3) * 3, 1);
    case 'YEAR':
      return Date.UTC(year, 0, 1);
  }
}

/** The wall date one period after the period starting at wall date `wall`. */
function nextWall(wall: number, granularity: Granularity): number {
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (granularity) {
    case 'DAY':
      return Date.UTC(year, month, date.getUTCDate() + 1);
    case 'WEEK':
      return Date.UTC(year, month, date.getUTCDate() + 7);
    case 'MONTH':
      return Date.UTC(year, month + 1, 1);
    case 'QUARTER':
      return Date.UTC(year, month + 3, 1);
    case 'YEAR':
      return Date.UTC(year + 1, 0, 1);
  }
}

function previousWall(wall: number, granularity: Granularity): number {
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (granularity) {
    case 'DAY':
      return Date.UTC(year, month, date.getUTCDate() - 1);
    case 'WEEK':
      return Date.UTC(year, month, date.getUTCDate() - 7);
    case 'MONTH':
      return Date.UTC(year, month - 1, 1);
    case 'QUARTER':
      return Date.UTC(year, month - 3, 1);
    case 'YEAR':
      return Date.UTC(year - 1, 0, 1);
  }
}

function periodAtWall(wall: number, granularity: Granularity, timeZone: string): Period {
  const date = new Date(wall);
  return {
    label: label(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()),
    start: new Date(wallTimeToUtc(wall, timeZone)),
    end: new Date(wallTimeToUtc(nextWall(wall, granularity), timeZone)),
  };
}

/** The period containing the instant `at`. */
export function periodOf(at: Date, granularity: Granularity, timeZone = 'UTC'): Period {
  const local = localParts(at, timeZone);
  return periodAtWall(truncWall(local.year, local.month, local.day, granularity), granularity, timeZone);
}

/** The period just before `period`. */
export function previousPeriod(period: Period, granularity: Granularity, timeZone = 'UTC'): Period {
  const [year, month, day] = period.label.split('-').map(Number) as [number, number, number];
  return periodAtWall(previousWall(Date.UTC(year, month - 1, day), granularity), granularity, timeZone);
}

/** The period just after `period`. */
export function nextPeriod(period: Period, granularity: Granularity, timeZone = 'UTC'): Period {
  const [year, month, day] = period.label.split('-').map(Number) as [number, number, number];
  return periodAtWall(nextWall(Date.UTC(year, month - 1, day), granularity), granularity, timeZone);
}

/**
 * Every period overlapping [range.from, range.to), in order: the first one starts at or before
 * `from`, the last one contains the instant just before `to`. Throws InvalidInputError when the range
 * is empty or would give more than MAX_PERIODS periods.
 */
export function periodsBetween(
  range: DateRange,
  granularity: Granularity,
  timeZone = 'UTC',
  field = 'range',
): Period[] {
  validateRange(range, field);
  const periods: Period[] = [];
  let period = periodOf(range.from, granularity, timeZone);
  while (period.start < range.to) {
    periods.push(period);
    if (periods.length > MAX_PERIODS)
      throw new InvalidInputError(
        field,
        `gives more than ${MAX_PERIODS} ${granularity.toLowerCase()} periods; choose a coarser granularity or a shorter range`,
      );
    period = nextPeriod(period, granularity, timeZone);
  }
  return periods;
}

/** Throws InvalidInputError unless `from` is before `to` and both are valid instants. */
export function validateRange(range: DateRange, field = 'range'): void {
  if (Number.isNaN(range.from.getTime())) throw new InvalidInputError(`${field}.from`, 'must be an ISO 8601 date-time');
  if (Number.isNaN(range.to.getTime())) throw new InvalidInputError(`${field}.to`, 'must be an ISO 8601 date-time');
  if (range.from >= range.to) throw new InvalidInputError(`${field}.to`, 'must be after from');
}
