import { wallClockFormatter, wallTimeToUtc } from '../imports/values.ts';
import type { ProgramRules, Tier } from './program-rules.ts';

/**
 * Tier arithmetic, pure: the qualifying window, which tier a value reaches, what is left to the
 * next one, and the upgrade/downgrade decision with its grace period.
 */

export type TierRules = ProgramRules['tiers'];

/** The wall-clock date and time of `at` in `timeZone`. */
export function localParts(
  at: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number } {
  const format = wallClockFormatter(timeZone);
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    ms: at.getUTCMilliseconds(),
  };
}

/** "YYYY-MM-DD" of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const { year, month, day } = localParts(at, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Where the qualifying window starts at `at`: `windowMonths` calendar months earlier on the store's
 * wall clock (ROLLING_MONTHS), 1 January 00:00 of the current year in the store's zone
 * (CALENDAR_YEAR), or null: everything counts (LIFETIME).
 */
export function windowStart(
  tiers: Pick<TierRules, 'window' | 'windowMonths'>,
  at: Date,
  timeZone = 'UTC',
): Date | null {
  if (tiers.window === 'LIFETIME') return null;
  const local = localParts(at, timeZone);
  if (tiers.window === 'CALENDAR_YEAR') return new Date(wallTimeToUtc(Date.UTC(local.year, 0, 1), timeZone));
  const monthIndex = local.month - 1 - tiers.windowMonths;
  const lastDay = new Date(Date.UTC(local.year, monthIndex + 1, 0)).getUTCDate();
  const wall = Date.UTC(
    local.year,
    monthIndex,
    Math.min(local.day, lastDay),
    local.hour,
    local.minute,
    local.second,
    local.ms,
  );
  return new Date(wallTimeToUtc(wall, timeZone));
}

/** The highest tier whose threshold `value` reaches; null below the first. */
export function qualifyingTier(levels: readonly Tier[], value: number): Tier | null {
  let reached: Tier | null = null;
  for (const tier of levels) if (value >= tier.threshold) reached = tier;
  return reached;
}

/** Position of a tier key in the levels (-1: none or unknown). */
export function tierRank(levels: readonly Tier[], key: string | null | undefined): number {
  return key == null ? -1 : levels.findIndex((tier) => tier.key === key);
}

/** The tier above `currentKey` (or above what `value` reaches, whichever is higher) and what is missing to it. */
export function nextTier(
  levels: readonly Tier[],
  value: number,
  currentKey?: string | null,
): { tier: Tier; remaining: number } | null {
  const reached = qualifyingTier(levels, value);
  const rank = Math.max(tierRank(levels, currentKey), tierRank(levels, reached?.key));
  const next = levels[rank + 1];
  return next ? { tier: next, remaining: Math.max(0, next.threshold - value) } : null;
}

export interface TierState {
  tierKey: string | null;
  tierSince: Date | null;
  tierHoldUntil: Date | null;
}

export interface TierDecision extends TierState {
  /** Set when tierKey changes. */
  change: 'UP' | 'DOWN' | null;
  /** The tier the value reaches now (may be below the kept tier during the grace period). */
  qualified: string | null;
}

const DAY_MS = 86_400_000;

/**
 * What the customer's tier becomes at `at` for a qualifying `value`:
 * - reaching a higher tier upgrades at once;
 * - qualifying for the current tier again clears a pending hold;
 * - falling below starts the grace period (tierHoldUntil = at + downgradeGraceDays) and the tier is
 *   kept until then; at or after tierHoldUntil it drops to what the value reaches then. With no
 *   grace days it drops at once. A tier that no longer exists in the rules is replaced at once.
 */
export function decideTier(
  tiers: Pick<TierRules, 'levels' | 'downgradeGraceDays'>,
  state: TierState,
  value: number,
  at: Date,
): TierDecision {
  const levels = tiers.levels;
  const qualified = qualifyingTier(levels, value);
  const qualifiedKey = qualified?.key ?? null;
  const currentRank = tierRank(levels, state.tierKey);
  const qualifiedRank = tierRank(levels, qualifiedKey);
  const unknownCurrent = state.tierKey !== null && currentRank === -1;

  const moveTo = (change: 'UP' | 'DOWN'): TierDecision => ({
    tierKey: qualifiedKey,
    tierSince: qualifiedKey === null ? null : at,
    tierHoldUntil: null,
    change,
    qualified: qualifiedKey,
  });
  if (unknownCurrent) {
    if (qualifiedKey === null) return moveTo('DOWN');
    return moveTo('UP');
  }
  if (qualifiedRank > currentRank) return moveTo('UP');
  if (qualifiedRank === currentRank) return { ...state, tierHoldUntil: null, change: null, qualified: qualifiedKey };
  // Below the current tier.
  if (tiers.downgradeGraceDays === 0) return moveTo('DOWN');
  if (state.tierHoldUntil === null)
    return {
      ...state,
      tierHoldUntil: new Date(at.getTime() + tiers.downgradeGraceDays * DAY_MS),
      change: null,
      qualified: qualifiedKey,
    };
  if (at.getTime() >= state.tierHoldUntil.getTime()) return moveTo('DOWN');
  return { ...state, change: null, qualified: qualifiedKey };
}
