import type { SurveyType } from '../feedback/scores.ts';

/**
 * Satisfaction estimates from aggregated answer counts, pure. SQL sums the answers of a period (or a
 * breakdown row) into counts; these functions turn the counts into the score, how many answers it
 * rests on, and its 95 % margin of error (normal approximation, z = 1.96). Values keep full
 * precision: rounding is for display (the GraphQL layer returns them as they are).
 *
 * - NPS = %promoters (9–10) − %detractors (0–6), −100…100. With pP, pD the two shares,
 *   var = pP + pD − (pP − pD)², SE = 100·sqrt(var / n).
 * - CSAT = % of 4–5 answers, SE = 100·sqrt(p(1 − p) / n).
 * - CES = the mean answer; SE = s / sqrt(n) with s the sample standard deviation (n − 1); null for n < 2.
 *
 * Every estimate has a null value and null margins when n = 0. With one NPS or CSAT answer the
 * margin is 0 (the sample has no spread): it is still reported, the count says how little it means.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.96;

export interface Estimate {
  value: number | null;
  /** The answers the value rests on. */
  count: number;
  /** 1.96 × standardError, in the value's units; null when it cannot be computed. */
  marginOfError: number | null;
  standardError: number | null;
}

export interface NpsCounts {
  n: number;
  /** Answers of 9 or 10. */
  promoters: number;
  /** Answers of 0–6. */
  detractors: number;
}

export interface CsatCounts {
  n: number;
  /** Answers of 4 or 5. */
  satisfied: number;
}

export interface CesCounts {
  n: number;
  /** Σ answers. */
  sum: number;
  /** Σ answer². */
  sumSquares: number;
}

function checkCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
}

function none(n: number): Estimate {
  return { value: null, count: n, marginOfError: null, standardError: null };
}

function withSe(value: number, n: number, standardError: number | null): Estimate {
  return {
    value,
    count: n,
    standardError,
    marginOfError: standardError === null ? null : Z95 * standardError,
  };
}

/** NPS (−100…100) with its margin of error. */
export function npsFrom({ n, promoters, detractors }: NpsCounts): Estimate {
  checkCount('n', n);
  checkCount('promoters', promoters);
  checkCount('detractors', detractors);
  if (promoters + detractors > n) throw new RangeError('promoters + detractors must not exceed n');
  if (n === 0) return none(0);
  const pP = promoters / n;
  const pD = detractors / n;
  const variance = Math.max(0, pP + pD - (pP - pD) ** 2);
  return withSe(100 * (pP - pD), n, 100 * Math.sqrt(variance / n));
}

/** CSAT (% of 4–5 answers, 0–100) with its margin of error. */
export function csatFrom({ n, satisfied }: CsatCounts): Estimate {
  checkCount('n', n);
  checkCount('satisfied', satisfied);
  if (satisfied > n) throw new RangeError('satisfied must not exceed n');
  if (n === 0) return none(0);
  const p = satisfied / n;
  return withSe(100 * p, n, 100 * Math.sqrt((p * (1 - p)) / n));
}

/** CES (the mean answer) with its margin of error; the margin is null for fewer than 2 answers. */
export function cesFrom({ n, sum, sumSquares }: CesCounts): Estimate {
  checkCount('n', n);
  checkCount('sumSquares', sumSquares);
  if (!Number.isFinite(sum)) throw new RangeError(`sum must be a number, got ${sum}`);
  if (n === 0) return none(0);
  const mean = sum / n;
  if (n < 2) return withSe(mean, n, null);
  // Sample variance from the sums; clamp the rounding noise of equal answers to 0.
  const variance = Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
  return withSe(mean, n, Math.sqrt(variance) / Math.sqrt(n));
}

export type { SurveyType as SatisfactionType } from '../feedback/scores.ts';

/** Every count SQL returns for a group of answers; each estimate reads the ones it needs. */
export interface AnswerCounts extends NpsCounts, CsatCounts, CesCounts {}

export function estimateFor(type: SurveyType, counts: AnswerCounts): Estimate {
  switch (type) {
    case 'NPS':
      return npsFrom(counts);
    case 'CSAT':
      return csatFrom(counts);
    case 'CES':
      return cesFrom(counts);
  }
}

/** Adds answer counts (they are all sums, so a range's counts are its periods' counts added up). */
export function addCounts(a: AnswerCounts, b: AnswerCounts): AnswerCounts {
  return {
    n: a.n + b.n,
    promoters: a.promoters + b.promoters,
    detractors: a.detractors + b.detractors,
    satisfied: a.satisfied + b.satisfied,
    sum: a.sum + b.sum,
    sumSquares: a.sumSquares + b.sumSquares,
  };
}

export const NO_ANSWERS: Readonly<AnswerCounts> = {
  n: 0,
  promoters: 0,
  detractors: 0,
  satisfied: 0,
  sum: 0,
  sumSquares: 0,
};
