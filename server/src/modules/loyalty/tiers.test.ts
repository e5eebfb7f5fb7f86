import { describe, expect, test } from 'vitest';
import { type Tier, tierSchema } from './program-rules.ts';
import { decideTier, localDate, nextTier, qualifyingTier, type TierState, windowStart } from './tiers.ts';

const tier = (key: string, threshold: number, earnMultiplier = 1): Tier =>
  tierSchema.parse({ key, name: key, threshold, earnMultiplier });
const levels = [tier('bronze', 0), tier('silver', 500, 1.25), tier('gold', 2_000, 1.5)];
const noBase = [tier('silver', 500), tier('gold', 2_000)];

describe('windowStart', () => {
  test.each([
    {
      name: 'rolling 12 months, UTC',
      tiers: { window: 'ROLLING_MONTHS', windowMonths: 12 },
      at: '2026-12-02T10:00:00Z',
      zone: 'UTC',
      start: '2025-12-02T10:00:00.000Z',
    },
    {
      name: 'rolling 1 month from 31 March clamps to 28 February',
      tiers: { window: 'ROLLING_MONTHS', windowMonths: 1 },
      at: '2027-03-31T12:00:00Z',
      zone: 'UTC',
      start: '2027-02-28T12:00:00.000Z',
    },
    {
      name: 'rolling 6 months keeps the local wall time across DST (Helsinki)',
      tiers: { window: 'ROLLING_MONTHS', windowMonths: 6 },
      // 12:00 local in July (UTC+3) → 12:00 local in January (UTC+2)
      at: '2026-07-15T09:00:00Z',
      zone: 'Europe/Helsinki',
      start: '2026-01-15T10:00:00.000Z',
    },
    {
      name: 'calendar year in UTC',
      tiers: { window: 'CALENDAR_YEAR', windowMonths: 12 },
      at: '2026-06-01T00:00:00Z',
      zone: 'UTC',
      start: '2026-01-01T00:00:00.000Z',
    },
    {
      name: 'calendar year starts at local midnight (Helsinki, UTC+2 in winter)',
      tiers: { window: 'CALENDAR_YEAR', windowMonths: 12 },
      at: '2026-06-01T00:00:00Z',
      zone: 'Europe/Helsinki',
      start: '2025-12-31T22:00:00.000Z',
    },
    {
      name: 'calendar year: already the new year in Helsinki while still the old one in UTC',
      tiers: { window: 'CALENDAR_YEAR', windowMonths: 12 },
      at: '2026-12-31T23:00:00Z',
      zone: 'Europe/Helsinki',
      start: '2026-12-31T22:00:00.000Z',
    },
    {
      name: 'calendar year in New York',
      tiers: { window: 'CALENDAR_YEAR', windowMonths: 12 },
      at: '2027-01-01T03:00:00Z',
      zone: 'America/New_York',
      start: '2026-01-01T05:00:00.000Z',
    },
  ] as const)('$name', ({ tiers, at, zone, start }) => {
    expect(windowStart(tiers, new Date(at), zone)?.toISOString()).toBe(start);
  });

  test('lifetime has no start', () => {
    expect(windowStart({ window: 'LIFETIME', windowMonths: 12 }, new Date())).toBeNull();
  });
});

describe('qualifyingTier and nextTier', () => {
  test.each([
    { value: 0, levels, reached: 'bronze', next: 'silver', remaining: 500 },
    { value: 499, levels, reached: 'bronze', next: 'silver', remaining: 1 },
    { value: 500, levels, reached: 'silver', next: 'gold', remaining: 1_500 },
    { value: 5_000, levels, reached: 'gold', next: null, remaining: null },
    { value: 100, levels: noBase, reached: null, next: 'silver', remaining: 400 },
    { value: 100, levels: [], reached: null, next: null, remaining: null },
  ])('$value → $reached, next $next', ({ value, levels: tiers, reached, next, remaining }) => {
    expect(qualifyingTier(tiers, value)?.key ?? null).toBe(reached);
    const upcoming = nextTier(tiers, value);
    expect(upcoming?.tier.key ?? null).toBe(next);
    expect(upcoming?.remaining ?? null).toBe(remaining);
  });

  test('the next tier is above the tier held in grace, not above what the value reaches', () => {
    expect(nextTier(levels, 600, 'gold')).toBeNull();
    expect(nextTier(levels, 100, 'silver')).toMatchObject({ tier: { key: 'gold' }, remaining: 1_900 });
  });
});

describe('decideTier', () => {
  const day = 86_400_000;
  const at = new Date('2026-06-01T00:00:00Z');
  const later = (days: number) => new Date(at.getTime() + days * day);
  const state = (tierKey: string | null, holdUntil: Date | null = null): TierState => ({
    tierKey,
    tierSince: tierKey ? new Date('2026-01-01T00:00:00Z') : null,
    tierHoldUntil: holdUntil,
  });
  const tiers = { levels, downgradeGraceDays: 30 };

  test.each([
    {
      name: 'first evaluation joins the base tier',
      state: state(null),
      value: 0,
      expected: { tierKey: 'bronze', change: 'UP', tierHoldUntil: null, tierSince: at },
    },
    {
      name: 'upgrade at once',
      state: state('bronze'),
      value: 600,
      expected: { tierKey: 'silver', change: 'UP', tierSince: at },
    },
    {
      name: 'upgrade skips levels',
      state: state('bronze'),
      value: 9_999,
      expected: { tierKey: 'gold', change: 'UP' },
    },
    {
      name: 'an upgrade during a grace period clears the hold',
      state: state('silver', later(10)),
      value: 2_500,
      expected: { tierKey: 'gold', change: 'UP', tierHoldUntil: null },
    },
    {
      name: 'still qualifying: nothing changes',
      state: state('silver'),
      value: 700,
      expected: { tierKey: 'silver', change: null, tierHoldUntil: null },
    },
    {
      name: 'falling below starts the grace period',
      state: state('gold'),
      value: 600,
      expected: { tierKey: 'gold', change: null, tierHoldUntil: later(30), qualified: 'silver' },
    },
    {
      name: 'within the grace period the tier is kept',
      state: state('gold', later(5)),
      value: 600,
      expected: { tierKey: 'gold', change: null, tierHoldUntil: later(5) },
    },
    {
      name: 're-qualifying clears the hold',
      state: state('gold', later(5)),
      value: 2_000,
      expected: { tierKey: 'gold', change: null, tierHoldUntil: null },
    },
    {
      name: 'after the grace period: down to what the value reaches',
      state: state('gold', later(0)),
      value: 100,
      expected: { tierKey: 'bronze', change: 'DOWN', tierHoldUntil: null, tierSince: at },
    },
    {
      name: 'a tier that no longer exists is replaced at once',
      state: state('platinum'),
      value: 600,
      expected: { tierKey: 'silver', change: 'UP' },
    },
  ])('$name', ({ state: before, value, expected }) => {
    expect(decideTier(tiers, before, value, at)).toMatchObject(expected);
  });

  test('without grace days a downgrade is immediate', () => {
    expect(decideTier({ levels, downgradeGraceDays: 0 }, state('gold'), 600, at)).toMatchObject({
      tierKey: 'silver',
      change: 'DOWN',
    });
  });

  test('below the first tier (no base tier) the tier is null', () => {
    expect(decideTier({ levels: noBase, downgradeGraceDays: 0 }, state('silver'), 10, at)).toMatchObject({
      tierKey: null,
      tierSince: null,
      change: 'DOWN',
    });
    expect(decideTier({ levels: noBase, downgradeGraceDays: 0 }, state(null), 10, at)).toMatchObject({
      tierKey: null,
      change: null,
    });
  });
});

test('localDate', () => {
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Helsinki')).toBe('2027-01-01');
  expect(localDate(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('2026-12-31');
});
