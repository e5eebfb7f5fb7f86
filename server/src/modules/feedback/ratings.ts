/**
 * Pure aggregate math for product ratings. A product's aggregate counts its PUBLISHED reviews only:
 * `count`, `sum` of the stars and a 1–5 histogram, the same numbers the ProductRating row keeps
 * (its CHECK constraint ties them together). Every review status change turns into a delta computed
 * here and added to the row in the same transaction.
 */

export type ReviewStatusName = 'PENDING' | 'PUBLISHED' | 'REJECTED';

/** count, sum and stars[0..4] = reviews with 1..5 stars. */
export interface RatingCounts {
  count: number;
  sum: number;
  stars: [number, number, number, number, number];
}

/** What the aggregate needs to know about a review at one moment; null: the review does not exist. */
export type ReviewState = { status: ReviewStatusName; rating: number } | null;

export const MIN_RATING = 1;
export const MAX_RATING = 5;

export function emptyCounts(): RatingCounts {
  return { count: 0, sum: 0, stars: [0, 0, 0, 0, 0] };
}

export function isRating(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_RATING && value <= MAX_RATING;
}

/** The counts of a stored ProductRating row (or zeros when there is none). */
export function countsFromRow(
  row: {
    count: number;
    sum: number;
    stars1: number;
    stars2: number;
    stars3: number;
    stars4: number;
    stars5: number;
  } | null,
): RatingCounts {
  if (!row) return emptyCounts();
  return { count: row.count, sum: row.sum, stars: [row.stars1, row.stars2, row.stars3, row.stars4, row.stars5] };
}

/** Counts of a list of ratings (tests and reconciliation). */
export function countsOf(ratings: number[]): RatingCounts {
  const counts = emptyCounts();
  for (const rating of ratings) {
    if (!isRating(rating)) throw new RangeError(`not a rating: ${rating}`);
    counts.count += 1;
    counts.sum += rating;
    counts.stars[rating - 1]! += 1;
  }
  return counts;
}

/** The average star rating rounded to two decimals; null when nothing is published. */
export function averageFromCounts(counts: RatingCounts): number | null {
  if (counts.count <= 0) return null;
  return Math.round((counts.sum / counts.count) * 100) / 100;
}

/** Reviews with 1, 2, 3, 4 and 5 stars, in that order. */
export function histogram(counts: RatingCounts): [number, number, number, number, number] {
  return [...counts.stars];
}

/** True when a review in this state counts in the aggregate. */
export function isCounted(state: ReviewState): boolean {
  return state !== null && state.status === 'PUBLISHED';
}

/**
 * The change to the aggregate when a review goes from `before` to `after` (null: created or
 * deleted). Only PUBLISHED reviews count, so e.g. PENDING → REJECTED is a zero delta and an edit of
 * a published review from 2 to 5 stars is (count 0, sum +3, stars2 −1, stars5 +1).
 */
export function transitionDelta(before: ReviewState, after: ReviewState): RatingCounts {
  const delta = emptyCounts();
  for (const [state, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!isCounted(state)) continue;
    if (!isRating(state!.rating)) throw new RangeError(`not a rating: ${state!.rating}`);
    delta.count += sign;
    delta.sum += sign * state!.rating;
    delta.stars[state!.rating - 1]! += sign;
  }
  return delta;
}

export function isZeroDelta(delta: RatingCounts): boolean {
  return delta.count === 0 && delta.sum === 0 && delta.stars.every((value) => value === 0);
}

/** counts + delta; throws when a number would go below zero (the aggregate and the reviews disagree). */
export function applyDelta(current: RatingCounts, delta: RatingCounts): RatingCounts {
  const next: RatingCounts = {
    count: current.count + delta.count,
    sum: current.sum + delta.sum,
    stars: current.stars.map((value, index) => value + delta.stars[index]!) as RatingCounts['stars'],
  };
  if (next.count < 0 || next.sum < 0 || next.stars.some((value) => value < 0))
    throw new RangeError('rating aggregate would go below zero');
  return next;
}

/** Adds several deltas (e.g. every review of one product removed at once). */
export function sumDeltas(deltas: RatingCounts[]): RatingCounts {
  return deltas.reduce(
    (total, delta) => ({
      count: total.count + delta.count,
      sum: total.sum + delta.sum,
      stars: total.stars.map((value, index) => value + delta.stars[index]!) as RatingCounts['stars'],
    }),
    emptyCounts(),
  );
}

/** True when the numbers agree with each other (what the database CHECK enforces). */
export function isConsistent(counts: RatingCounts): boolean {
  const total = counts.stars.reduce((a, b) => a + b, 0);
  const weighted = counts.stars.reduce((a, b, index) => a + b * (index + 1), 0);
  return counts.stars.every((value) => value >= 0) && counts.count === total && counts.sum === weighted;
}
