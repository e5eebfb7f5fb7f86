import { describe, expect, test } from 'vitest';
import {
  fmScore,
  quintileScores,
  RFM_SEGMENT_RULES,
  RFM_SEGMENTS,
  type RfmSegment,
  rfmSegment,
  ruleText,
  segmentCaseSql,
} from './rfm.ts';

const SCORES = [1, 2, 3, 4, 5];

describe('RFM segment table', () => {
  test('every one of the 125 (R, F, M) combinations falls in exactly one rule cell', () => {
    const reached = new Set<RfmSegment>();
    let combinations = 0;
    for (const recency of SCORES)
      for (const frequency of SCORES)
        for (const monetary of SCORES) {
          combinations++;
          const fm = fmScore(frequency, monetary);
          const matches = RFM_SEGMENT_RULES.flatMap((rule) =>
            rule.cells
              .filter(
                (cell) =>
                  recency >= cell.recency[0] && recency <= cell.recency[1] && fm >= cell.fm[0] && fm <= cell.fm[1],
              )
              .map(() => rule.segment),
          );
          expect(matches, `R${recency} F${frequency} M${monetary}`).toHaveLength(1);
          expect(rfmSegment({ recency, frequency, monetary })).toBe(matches[0]);
          reached.add(matches[0]!);
        }
    expect(combinations).toBe(125);
    expect([...reached].sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  test('the rules list each segment once, in the enum order', () => {
    expect(RFM_SEGMENT_RULES.map((rule) => rule.segment)).toEqual([...RFM_SEGMENTS]);
  });

  test.each([
    [5, 5, 5, 'CHAMPIONS'],
    [4, 4, 3, 'CHAMPIONS'], // FM = round(3.5) = 4
    [5, 3, 3, 'LOYAL'],
    [3, 5, 5, 'LOYAL'],
    [4, 2, 2, 'POTENTIAL_LOYALISTS'],
    [5, 1, 2, 'POTENTIAL_LOYALISTS'], // FM = round(1.5) = 2
    [5, 1, 1, 'NEW'],
    [4, 1, 1, 'PROMISING'],
    [3, 2, 2, 'NEED_ATTENTION'],
    [3, 1, 1, 'ABOUT_TO_SLEEP'],
    [2, 3, 4, 'AT_RISK'],
    [1, 4, 4, 'AT_RISK'],
    [1, 5, 4, 'CANNOT_LOSE'], // FM = round(4.5) = 5
    [2, 5, 5, 'CANNOT_LOSE'],
    [2, 1, 2, 'HIBERNATING'],
    [1, 2, 2, 'LOST'],
    [1, 1, 1, 'LOST'],
  ] as const)('R%i F%i M%i → %s', (recency, frequency, monetary, segment) => {
    expect(rfmSegment({ recency, frequency, monetary })).toBe(segment);
  });

  test.each([
    [0, 1, 1],
    [6, 1, 1],
    [3, 2.5, 1],
    [3, 3, Number.NaN],
  ])('rejects scores outside 1–5: %s %s %s', (recency, frequency, monetary) => {
    expect(() => rfmSegment({ recency, frequency, monetary })).toThrow(RangeError);
  });

  test('rules read as text', () => {
    const loyal = RFM_SEGMENT_RULES.find((rule) => rule.segment === 'LOYAL')!;
    expect(ruleText(loyal)).toBe('R 3 and FM 3–5, or R 4–5 and FM 3');
    const newRule = RFM_SEGMENT_RULES.find((rule) => rule.segment === 'NEW')!;
    expect(ruleText(newRule)).toBe('R 5 and FM 1');
  });

  test('the SQL CASE has one WHEN per rule cell and casts to the enum', () => {
    const sql = segmentCaseSql('r', 'fm');
    expect(sql.match(/WHEN /g)).toHaveLength(RFM_SEGMENT_RULES.reduce((sum, rule) => sum + rule.cells.length, 0));
    expect(sql).toContain("WHEN r BETWEEN 5 AND 5 AND fm BETWEEN 1 AND 1 THEN 'NEW'");
    expect(sql.endsWith('END)::"RfmSegment"')).toBe(true);
  });
});

describe('quintile scores', () => {
  test('ten distinct values: two per quintile', () => {
    expect(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  test('recency: fewer days is better', () => {
    expect(quintileScores([1, 2, 3, 4, 5], false)).toEqual([5, 4, 3, 2, 1]);
  });

  test('equal values get equal scores, scored by the customers strictly below them', () => {
    // Six one-time buyers of ten: nobody is worse than them, so F = 1; 2 purchases: 6 of 10 worse → 1 + 3.
    expect(quintileScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 7], true)).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    // Ties at the top all get the top score's floor: 3 of 5 are worse than the two 9s.
    expect(quintileScores([1, 2, 3, 9, 9], true)).toEqual([1, 2, 3, 4, 4]);
  });

  test('everyone equal: everyone scores 1', () => {
    expect(quintileScores([4, 4, 4], true)).toEqual([1, 1, 1]);
  });
});
