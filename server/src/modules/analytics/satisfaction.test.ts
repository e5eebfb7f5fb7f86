import { describe, expect, test } from 'vitest';
import { addCounts, cesFrom, csatFrom, type Estimate, estimateFor, NO_ANSWERS, npsFrom, Z95 } from './satisfaction.ts';

/** Compares to hand-computed figures (4 decimals are plenty for margins of error). */
function expectEstimate(actual: Estimate, expected: Estimate): void {
  expect(actual.count).toBe(expected.count);
  for (const key of ['value', 'standardError', 'marginOfError'] as const) {
    if (expected[key] === null) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(expected[key], 4);
  }
}

describe('npsFrom', () => {
  test.each([
    // 10 answers, 5 promoters, 2 detractors: 50 % − 20 % = 30; var = .5 + .2 − .3² = .61;
    // SE = 100·sqrt(.61/10) = 24.6982; MoE = 1.96·SE = 48.4084
    [
      { n: 10, promoters: 5, detractors: 2 },
      { value: 30, count: 10, standardError: 24.6982, marginOfError: 48.4084 },
    ],
    // 5 answers, 1 promoter, 3 detractors: 20 − 60 = −40; var = .8 − .16 = .64; SE = 100·sqrt(.128) = 35.7771
    [
      { n: 5, promoters: 1, detractors: 3 },
      { value: -40, count: 5, standardError: 35.7771, marginOfError: 70.1231 },
    ],
    // half promoters, half detractors: 0; var = 1 − 0 = 1; SE = 100·sqrt(1/4) = 50; MoE 98
    [
      { n: 4, promoters: 2, detractors: 2 },
      { value: 0, count: 4, standardError: 50, marginOfError: 98 },
    ],
    // all promoters: 100 with no spread
    [
      { n: 4, promoters: 4, detractors: 0 },
      { value: 100, count: 4, standardError: 0, marginOfError: 0 },
    ],
    // all passives: 0 with no spread
    [
      { n: 3, promoters: 0, detractors: 0 },
      { value: 0, count: 3, standardError: 0, marginOfError: 0 },
    ],
    // no answers: nothing to say
    [
      { n: 0, promoters: 0, detractors: 0 },
      { value: null, count: 0, standardError: null, marginOfError: null },
    ],
  ])('%o → %o', (counts, expected) => {
    expectEstimate(npsFrom(counts), expected);
  });

  test('rejects impossible counts', () => {
    expect(() => npsFrom({ n: 2, promoters: 2, detractors: 1 })).toThrow(RangeError);
    expect(() => npsFrom({ n: -1, promoters: 0, detractors: 0 })).toThrow(RangeError);
  });
});

describe('csatFrom', () => {
  test.each([
    // 8 of 10 satisfied: 80 %; SE = 100·sqrt(.8·.2/10) = 12.6491; MoE 24.7923
    [
      { n: 10, satisfied: 8 },
      { value: 80, count: 10, standardError: 12.6491, marginOfError: 24.7923 },
    ],
    // 2 of 4: 50 %; SE = 100·sqrt(.25/4) = 25; MoE 49
    [
      { n: 4, satisfied: 2 },
      { value: 50, count: 4, standardError: 25, marginOfError: 49 },
    ],
    // 1 of 3: 33.3333 %; SE = 100·sqrt((1/3)(2/3)/3) = 27.2166; MoE 53.3444
    [
      { n: 3, satisfied: 1 },
      { value: 100 / 3, count: 3, standardError: 27.2166, marginOfError: 53.3444 },
    ],
    // one answer: no spread
    [
      { n: 1, satisfied: 1 },
      { value: 100, count: 1, standardError: 0, marginOfError: 0 },
    ],
    [
      { n: 0, satisfied: 0 },
      { value: null, count: 0, standardError: null, marginOfError: null },
    ],
  ])('%o → %o', (counts, expected) => {
    expectEstimate(csatFrom(counts), expected);
  });

  test('rejects more satisfied than answers', () => {
    expect(() => csatFrom({ n: 1, satisfied: 2 })).toThrow(RangeError);
  });
});

describe('cesFrom', () => {
  test.each([
    // answers 2, 4, 4, 6: mean 4; s² = ((−2)² + 0 + 0 + 2²)/3 = 8/3; s = 1.63299; SE = s/2 = 0.81650; MoE 1.60033
    [
      { n: 4, sum: 16, sumSquares: 72 },
      { value: 4, count: 4, standardError: 0.8165, marginOfError: 1.6003 },
    ],
    // answers 1, 7: mean 4; s² = 18; s = 4.24264; SE = s/sqrt(2) = 3; MoE 5.88
    [
      { n: 2, sum: 8, sumSquares: 50 },
      { value: 4, count: 2, standardError: 3, marginOfError: 5.88 },
    ],
    // answers 5, 5, 5: no spread
    [
      { n: 3, sum: 15, sumSquares: 75 },
      { value: 5, count: 3, standardError: 0, marginOfError: 0 },
    ],
    // one answer: a mean but no sample standard deviation
    [
      { n: 1, sum: 3, sumSquares: 9 },
      { value: 3, count: 1, standardError: null, marginOfError: null },
    ],
    [
      { n: 0, sum: 0, sumSquares: 0 },
      { value: null, count: 0, standardError: null, marginOfError: null },
    ],
  ])('%o → %o', (counts, expected) => {
    expectEstimate(cesFrom(counts), expected);
  });
});

describe('estimateFor and addCounts', () => {
  test('each type reads its own counts', () => {
    // answers 9, 10, 3 as NPS: 2 promoters, 1 detractor
    const counts = { n: 3, promoters: 2, detractors: 1, satisfied: 3, sum: 22, sumSquares: 190 };
    expect(estimateFor('NPS', counts).value).toBeCloseTo(100 / 3, 10);
    expect(estimateFor('CSAT', counts).value).toBe(100);
    expect(estimateFor('CES', counts).value).toBeCloseTo(22 / 3, 10);
  });

  test('counts add up, so a range is the sum of its periods', () => {
    const a = { n: 2, promoters: 1, detractors: 1, satisfied: 1, sum: 12, sumSquares: 100 };
    const b = { n: 8, promoters: 4, detractors: 1, satisfied: 4, sum: 60, sumSquares: 460 };
    expect(addCounts(addCounts(NO_ANSWERS, a), b)).toEqual({
      n: 10,
      promoters: 5,
      detractors: 2,
      satisfied: 5,
      sum: 72,
      sumSquares: 560,
    });
    expect(npsFrom(addCounts(a, b)).marginOfError).toBeCloseTo(Z95 * 24.6982, 3);
  });
});
