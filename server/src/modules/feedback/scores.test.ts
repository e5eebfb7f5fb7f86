import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../errors.ts';
import {
  caseThreshold,
  DEFAULT_CASE_THRESHOLDS,
  isUnhappy,
  netPromoterScore,
  npsCategory,
  SCORE_RANGES,
  type SurveyType,
  scoreRange,
  validateScore,
  validateThreshold,
} from './scores.ts';

function rejects(type: SurveyType, score: unknown): string | null {
  try {
    validateScore(type, score);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('score');
    return (error as InvalidInputError).rule;
  }
}

describe('score ranges', () => {
  test('NPS 0–10, CSAT 1–5, CES 1–7', () => {
    expect(SCORE_RANGES).toEqual({ NPS: { min: 0, max: 10 }, CSAT: { min: 1, max: 5 }, CES: { min: 1, max: 7 } });
    expect(scoreRange('CES')).toEqual({ min: 1, max: 7 });
  });

  test.each([
    // type, score, valid
    ['NPS', -1, false],
    ['NPS', 0, true],
    ['NPS', 1, true],
    ['NPS', 5, true],
    ['NPS', 9, true],
    ['NPS', 10, true],
    ['NPS', 11, false],
    ['CSAT', 0, false],
    ['CSAT', 1, true],
    ['CSAT', 3, true],
    ['CSAT', 5, true],
    ['CSAT', 6, false],
    ['CES', 0, false],
    ['CES', 1, true],
    ['CES', 4, true],
    ['CES', 7, true],
    ['CES', 8, false],
  ] as const)('%s score %d valid: %s', (type, score, valid) => {
    const rule = rejects(type, score);
    if (valid) {
      expect(rule).toBeNull();
      expect(validateScore(type, score)).toBe(score);
    } else {
      const { min, max } = SCORE_RANGES[type];
      expect(rule).toBe(`must be from ${min} to ${max} for ${type}`);
    }
  });

  test.each([
    ['NPS', 6.5],
    ['CSAT', 2.0000001],
    ['CES', Number.NaN],
    ['NPS', Number.POSITIVE_INFINITY],
    ['CSAT', '3'],
    ['CES', null],
    ['NPS', undefined],
  ] as const)('%s refuses %s (not a whole number)', (type, score) => {
    expect(rejects(type, score)).toBe(
      `must be a whole number from ${SCORE_RANGES[type].min} to ${SCORE_RANGES[type].max}`,
    );
  });

  test('a threshold is validated like a score, under its own field name', () => {
    expect(validateThreshold('CES', 7)).toBe(7);
    expect(() => validateThreshold('CSAT', 0)).toThrow(InvalidInputError);
    try {
      validateThreshold('NPS', 11);
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('caseThreshold');
    }
  });
});

describe('unhappy answers (case thresholds)', () => {
  test('defaults: NPS ≤ 6, CSAT ≤ 2, CES ≥ 5', () => {
    expect(DEFAULT_CASE_THRESHOLDS).toEqual({ NPS: 6, CSAT: 2, CES: 5 });
    expect(caseThreshold('NPS')).toBe(6);
    expect(caseThreshold('NPS', null)).toBe(6);
    expect(caseThreshold('NPS', 4)).toBe(4);
    expect(caseThreshold('CES', 0)).toBe(0);
  });

  const every = (type: SurveyType) => {
    const { min, max } = SCORE_RANGES[type];
    return Array.from({ length: max - min + 1 }, (_, index) => min + index);
  };

  test.each([
    // type, threshold override, unhappy scores (every other score in range is happy)
    ['NPS', undefined, [0, 1, 2, 3, 4, 5, 6]],
    ['CSAT', undefined, [1, 2]],
    ['CES', undefined, [5, 6, 7]],
    ['NPS', 4, [0, 1, 2, 3, 4]],
    ['NPS', 8, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
    ['NPS', 0, [0]],
    ['NPS', 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['CSAT', 3, [1, 2, 3]],
    ['CSAT', 1, [1]],
    ['CES', 6, [6, 7]],
    ['CES', 7, [7]],
    ['CES', 3, [3, 4, 5, 6, 7]],
    ['CES', 1, [1, 2, 3, 4, 5, 6, 7]],
  ] as const)('%s with threshold %s: unhappy at %j', (type, threshold, unhappy) => {
    for (const score of every(type))
      expect([score, isUnhappy(type, score, threshold)]).toEqual([
        score,
        (unhappy as readonly number[]).includes(score),
      ]);
  });

  test('the edge values on both sides of each default', () => {
    expect(isUnhappy('NPS', 6)).toBe(true);
    expect(isUnhappy('NPS', 7)).toBe(false);
    expect(isUnhappy('CSAT', 2)).toBe(true);
    expect(isUnhappy('CSAT', 3)).toBe(false);
    expect(isUnhappy('CES', 4)).toBe(false);
    expect(isUnhappy('CES', 5)).toBe(true);
  });
});

describe('NPS categories', () => {
  test.each([
    [0, 'DETRACTOR'],
    [6, 'DETRACTOR'],
    [7, 'PASSIVE'],
    [8, 'PASSIVE'],
    [9, 'PROMOTER'],
    [10, 'PROMOTER'],
  ] as const)('%d is a %s', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });

  test('out of range is refused', () => {
    expect(() => npsCategory(11)).toThrow(InvalidInputError);
    expect(() => npsCategory(-1)).toThrow(InvalidInputError);
  });

  test('net promoter score = % promoters − % detractors', () => {
    expect(netPromoterScore([])).toBeNull();
    expect(netPromoterScore([10, 10])).toBe(100);
    expect(netPromoterScore([0, 6])).toBe(-100);
    expect(netPromoterScore([9, 7, 8, 3])).toBe(0);
    expect(netPromoterScore([10, 9, 7])).toBe(66.7);
  });
});
