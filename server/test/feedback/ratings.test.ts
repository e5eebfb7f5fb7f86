import { describe, expect, test } from 'vitest';
import {
  applyDelta,
  averageFromCounts,
  countsFromRow,
  countsOf,
  emptyCounts,
  histogram,
  isConsistent,
  isZeroDelta,
  type RatingCounts,
  type ReviewState,
  sumDeltas,
  transitionDelta,
} from '../../src/modules/feedback/ratings.ts';
import { canModerate, initialReviewStatus } from '../../src/modules/feedback/reviews.validation.ts';

const counts = (stars: [number, number, number, number, number]): RatingCounts => ({
  count: stars.reduce((a, b) => a + b, 0),
  sum: stars.reduce((a, b, index) => a + b * (index + 1), 0),
  stars,
});

describe('averageFromCounts', () => {
  test.each([
    { stars: [0, 0, 0, 0, 0], average: null },
    { stars: [1, 0, 0, 0, 0], average: 1 },
    { stars: [0, 0, 0, 0, 1], average: 5 },
    { stars: [1, 0, 0, 0, 1], average: 3 },
    { stars: [0, 0, 1, 1, 1], average: 4 },
    { stars: [0, 0, 0, 2, 1], average: 4.33 },
    { stars: [0, 0, 0, 1, 2], average: 4.67 },
    { stars: [1, 1, 1, 0, 0], average: 2 },
    { stars: [3, 0, 0, 0, 4], average: 3.29 },
    { stars: [0, 0, 0, 0, 1_000_000], average: 5 },
  ] as { stars: [number, number, number, number, number]; average: number | null }[])(
    '$stars → $average',
    ({ stars, average }) => {
      const value = counts(stars);
      expect(averageFromCounts(value)).toBe(average);
      expect(histogram(value)).toEqual(stars);
      expect(isConsistent(value)).toBe(true);
    },
  );
});

describe('countsOf / countsFromRow', () => {
  test('a list of ratings', () => {
    expect(countsOf([5, 5, 4, 1])).toEqual({ count: 4, sum: 15, stars: [1, 0, 0, 1, 2] });
    expect(countsOf([])).toEqual(emptyCounts());
  });
  test.each([0, 6, 2.5, Number.NaN])('refuses %s', (rating) => {
    expect(() => countsOf([rating])).toThrow(RangeError);
  });
  test('a stored row, or zeros', () => {
    expect(countsFromRow({ count: 2, sum: 6, stars1: 0, stars2: 1, stars3: 0, stars4: 1, stars5: 0 })).toEqual({
      count: 2,
      sum: 6,
      stars: [0, 1, 0, 1, 0],
    });
    expect(countsFromRow(null)).toEqual(emptyCounts());
  });
});

const P = (rating: number): ReviewState => ({ status: 'PUBLISHED', rating });
const W = (rating: number): ReviewState => ({ status: 'PENDING', rating });
const R = (rating: number): ReviewState => ({ status: 'REJECTED', rating });

describe('transitionDelta', () => {
  test.each([
    { name: 'new pending', before: null, after: W(4), delta: [0, 0, [0, 0, 0, 0, 0]] },
    { name: 'new published', before: null, after: P(4), delta: [1, 4, [0, 0, 0, 1, 0]] },
    { name: 'pending → published', before: W(2), after: P(2), delta: [1, 2, [0, 1, 0, 0, 0]] },
    { name: 'pending → rejected', before: W(2), after: R(2), delta: [0, 0, [0, 0, 0, 0, 0]] },
    { name: 'published → rejected', before: P(5), after: R(5), delta: [-1, -5, [0, 0, 0, 0, -1]] },
    { name: 'rejected → published', before: R(1), after: P(1), delta: [1, 1, [1, 0, 0, 0, 0]] },
    { name: 'published edit 2 → 5', before: P(2), after: P(5), delta: [0, 3, [0, -1, 0, 0, 1]] },
    { name: 'published edit back to pending', before: P(3), after: W(1), delta: [-1, -3, [0, 0, -1, 0, 0]] },
    { name: 'rejected edit → published', before: R(3), after: P(4), delta: [1, 4, [0, 0, 0, 1, 0]] },
    { name: 'published deleted', before: P(3), after: null, delta: [-1, -3, [0, 0, -1, 0, 0]] },
    { name: 'pending deleted', before: W(3), after: null, delta: [0, 0, [0, 0, 0, 0, 0]] },
    { name: 'unchanged published', before: P(3), after: P(3), delta: [0, 0, [0, 0, 0, 0, 0]] },
  ] as { name: string; before: ReviewState; after: ReviewState; delta: [number, number, number[]] }[])(
    '$name',
    ({ before, after, delta }) => {
      const result = transitionDelta(before, after);
      expect(result).toEqual({ count: delta[0], sum: delta[1], stars: delta[2] });
      expect(isZeroDelta(result)).toBe(delta[0] === 0 && delta[1] === 0 && delta[2].every((value) => value === 0));
    },
  );

  test('refuses a published state with a rating out of range', () => {
    expect(() => transitionDelta(null, P(0))).toThrow(RangeError);
    expect(() => transitionDelta(P(6), null)).toThrow(RangeError);
  });

  test('any sequence of transitions applied to the aggregate equals the counts of the final states', () => {
    // A deterministic walk over 200 reviews with pseudo-random transitions.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const statuses = ['PENDING', 'PUBLISHED', 'REJECTED'] as const;
    const states: ReviewState[] = Array.from({ length: 200 }, () => null);
    let aggregate = emptyCounts();
    for (let step = 0; step < 5_000; step++) {
      const index = random(states.length);
      const next: ReviewState = random(10) === 0 ? null : { status: statuses[random(3)]!, rating: 1 + random(5) };
      aggregate = applyDelta(aggregate, transitionDelta(states[index]!, next));
      states[index] = next;
      expect(isConsistent(aggregate)).toBe(true);
    }
    const published = states.filter((state) => state?.status === 'PUBLISHED').map((state) => state!.rating);
    expect(aggregate).toEqual(countsOf(published));
  });
});

describe('applyDelta / sumDeltas', () => {
  test('adds and refuses to go below zero', () => {
    expect(applyDelta(counts([0, 0, 1, 0, 0]), transitionDelta(null, P(5)))).toEqual(counts([0, 0, 1, 0, 1]));
    expect(() => applyDelta(emptyCounts(), transitionDelta(P(5), null))).toThrow(RangeError);
  });
  test('sums', () => {
    expect(sumDeltas([transitionDelta(P(1), null), transitionDelta(P(5), null)])).toEqual({
      count: -2,
      sum: -6,
      stars: [-1, 0, 0, 0, -1],
    });
    expect(sumDeltas([])).toEqual(emptyCounts());
  });
});

describe('moderation rules never look at the rating', () => {
  test.each([
    { mode: 'NONE', verified: false, status: 'PENDING' },
    { mode: 'NONE', verified: true, status: 'PENDING' },
    { mode: 'VERIFIED', verified: false, status: 'PENDING' },
    { mode: 'VERIFIED', verified: true, status: 'PUBLISHED' },
    { mode: 'ALL', verified: false, status: 'PUBLISHED' },
    { mode: 'ALL', verified: true, status: 'PUBLISHED' },
  ])('autoPublish $mode, verified $verified → $status', ({ mode, verified, status }) => {
    expect(initialReviewStatus(mode, verified)).toBe(status);
    // The function has no rating parameter at all.
    expect(initialReviewStatus.length).toBe(2);
  });

  test.each([
    ['PENDING', 'PUBLISHED', true],
    ['PENDING', 'REJECTED', true],
    ['PENDING', 'PENDING', false],
    ['PUBLISHED', 'REJECTED', true],
    ['PUBLISHED', 'PUBLISHED', false],
    ['PUBLISHED', 'PENDING', false],
    ['REJECTED', 'PUBLISHED', true],
    ['REJECTED', 'REJECTED', false],
    ['REJECTED', 'PENDING', false],
  ] as const)('%s → %s: %s', (from, to, allowed) => {
    expect(canModerate(from, to)).toBe(allowed);
  });
});
