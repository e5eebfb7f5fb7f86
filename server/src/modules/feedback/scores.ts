import { InvalidInputError } from '../../errors.ts';

/**
 * The three satisfaction scores and their rules, pure.
 *  - NPS, 0–10 ("how likely are you to recommend us?"): promoters 9–10, passives 7–8, detractors 0–6.
 *  - CSAT, 1–5 ("how satisfied were you?"): higher is better.
 *  - CES, 1–7 ("how easy was it?", 1 = very easy, 7 = very difficult): LOWER is better.
 * An answer is "unhappy" (it opens a follow-up case) at or below the threshold for NPS and CSAT and
 * at or above it for CES; defaults NPS ≤ 6, CSAT ≤ 2, CES ≥ 5, overridable per survey.
 */

export type SurveyType = 'NPS' | 'CSAT' | 'CES';

export interface ScoreRange {
  min: number;
  max: number;
}

export const SURVEY_TYPES: readonly SurveyType[] = ['NPS', 'CSAT', 'CES'];

export const SCORE_RANGES: Readonly<Record<SurveyType, ScoreRange>> = {
  NPS: { min: 0, max: 10 },
  CSAT: { min: 1, max: 5 },
  CES: { min: 1, max: 7 },
};

/** Which way is unhappy: scores at or below (NPS, CSAT) or at or above (CES) the threshold. */
export const UNHAPPY_DIRECTION: Readonly<Record<SurveyType, 'AT_OR_BELOW' | 'AT_OR_ABOVE'>> = {
  NPS: 'AT_OR_BELOW',
  CSAT: 'AT_OR_BELOW',
  CES: 'AT_OR_ABOVE',
};

export const DEFAULT_CASE_THRESHOLDS: Readonly<Record<SurveyType, number>> = { NPS: 6, CSAT: 2, CES: 5 };

export function scoreRange(type: SurveyType): ScoreRange {
  const range = SCORE_RANGES[type];
  if (!range) throw new Error(`unknown survey type ${String(type)}`);
  return range;
}

/** Throws InvalidInputError(field, …) unless `score` is a whole number within the type's range. */
export function validateScore(type: SurveyType, score: unknown, field = 'score'): number {
  const { min, max } = scoreRange(type);
  if (typeof score !== 'number' || !Number.isInteger(score))
    throw new InvalidInputError(field, `must be a whole number from ${min} to ${max}`);
  if (score < min || score > max) throw new InvalidInputError(field, `must be from ${min} to ${max} for ${type}`);
  return score;
}

/** A case threshold must itself be a possible score of the type. */
export function validateThreshold(type: SurveyType, threshold: unknown, field = 'caseThreshold'): number {
  return validateScore(type, threshold, field);
}

/** The threshold in force: the survey's override, or the type's default. */
export function caseThreshold(type: SurveyType, override?: number | null): number {
  return override ?? DEFAULT_CASE_THRESHOLDS[type];
}

/** True when the score should open a follow-up case (NPS/CSAT at or below, CES at or above the threshold). */
export function isUnhappy(type: SurveyType, score: number, threshold?: number | null): boolean {
  const limit = caseThreshold(type, threshold);
  return UNHAPPY_DIRECTION[type] === 'AT_OR_BELOW' ? score <= limit : score >= limit;
}

export type NpsCategory = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';

export function npsCategory(score: number): NpsCategory {
  validateScore('NPS', score);
  if (score >= 9) return 'PROMOTER';
  if (score >= 7) return 'PASSIVE';
  return 'DETRACTOR';
}

/** Net Promoter Score: % promoters − % detractors, −100…100 (rounded to one decimal); null without answers. */
export function netPromoterScore(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const score of scores) {
    const category = npsCategory(score);
    if (category === 'PROMOTER') promoters++;
    else if (category === 'DETRACTOR') detractors++;
  }
  return Math.round(((promoters - detractors) * 1000) / scores.length) / 10;
}
