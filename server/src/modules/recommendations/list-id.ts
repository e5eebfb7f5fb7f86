import { uuidv7 } from '../../db/uuid7.ts';

/**
 * List ids are stateless: nothing is stored when a list is served, so the id itself carries what tracking
 * needs — the strategy and, through the uuidv7 timestamp, when the list was issued.
 * Format: `rec_<strategy lowercase>_<uuidv7 as 32 hex digits>`, e.g. `rec_also_bought_0193a1b2…`.
 */

/** How long after serving a list its events are still accepted. */
export const LIST_ID_VALIDITY_MS = 30 * 24 * 60 * 60 * 1000;
/** Tolerated clock skew between the server that served a list and the one that tracks it. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** The strategies a list can be made by (the `RecommendationStrategy` GraphQL enum). */
export const RECOMMENDATION_STRATEGIES = [
  'ALSO_BOUGHT',
  'BOUGHT_TOGETHER',
  'PERSONAL',
  'CATEGORY',
  'TRENDING',
  'POPULAR',
  'PINNED',
] as const;
export type RecommendationStrategy = (typeof RECOMMENDATION_STRATEGIES)[number];
const KNOWN_STRATEGIES: ReadonlySet<string> = new Set(RECOMMENDATION_STRATEGIES);

const LIST_ID = /^rec_([a-z][a-z_]*[a-z])_([0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15})$/;

/** A new list id for a list made by `strategy` (a `RecommendationStrategy` value such as `ALSO_BOUGHT`). */
export function newListId(strategy: string): string {
  return `rec_${strategy.toLowerCase()}_${uuidv7().replaceAll('-', '')}`;
}

/**
 * The strategy (upper case, as the GraphQL enum spells it) and issue time of a list id; null when the id is
 * malformed, names an unknown strategy, is older than 30 days or was issued in the future.
 */
export function parseListId(id: string, now: Date = new Date()): { strategy: string; issuedAt: Date } | null {
  const match = LIST_ID.exec(id);
  if (!match) return null;
  const strategy = match[1]!.toUpperCase();
  if (!KNOWN_STRATEGIES.has(strategy)) return null;
  const issuedMs = Number.parseInt(match[2]!.slice(0, 12), 16);
  const age = now.getTime() - issuedMs;
  if (age > LIST_ID_VALIDITY_MS || age < -FUTURE_SKEW_MS) return null;
  return { strategy, issuedAt: new Date(issuedMs) };
}
