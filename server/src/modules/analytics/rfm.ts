/**
 * RFM segments, pure. Every customer with at least one purchase gets three quintile scores 1–5
 * (5 = best) within the store:
 *
 * - **R**ecency: days since the last purchase (fewer is better),
 * - **F**requency: number of purchases (more is better),
 * - **M**onetary: net spend, Σ netTotal of the purchases (more is better).
 *
 * Scoring: customers are ordered from worst to best on the value and a customer's score is
 * `1 + floor(5 × share of customers strictly worse)`. Equal values get equal scores (two customers
 * with the same numbers never land in different quintiles), and a value shared by many customers
 * scores by the customers below it: when 60 % of customers bought once, they all score F = 1
 * (nobody buys less often), not the 3 that an upper-edge rule (`ceil(5 × cume_dist)`) would give them.
 *
 * The segment comes from R and FM = round((F + M) / 2) through RFM_SEGMENT_RULES: disjoint
 * rectangles covering the whole 5 × 5 grid, so every (R, F, M) has exactly one segment.
 */

export const RFM_SEGMENTS = [
  'CHAMPIONS',
  'LOYAL',
  'POTENTIAL_LOYALISTS',
  'NEW',
  'PROMISING',
  'NEED_ATTENTION',
  'ABOUT_TO_SLEEP',
  'AT_RISK',
  'CANNOT_LOSE',
  'HIBERNATING',
  'LOST',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
}

/** An inclusive score range. */
export type ScoreRange = readonly [number, number];

export interface RfmSegmentRule {
  segment: RfmSegment;
  /** What the segment means for the retailer. */
  description: string;
  /** Disjoint rectangles over (R, FM); the segment is their union. */
  cells: readonly { recency: ScoreRange; fm: ScoreRange }[];
}

/**
 * The segment table (R rows × FM columns), as the README prints it:
 *
 * | R \ FM | 1              | 2                   | 3              | 4         | 5           |
 * |--------|----------------|---------------------|----------------|-----------|-------------|
 * | 5      | NEW            | POTENTIAL_LOYALISTS | LOYAL          | CHAMPIONS | CHAMPIONS   |
 * | 4      | PROMISING      | POTENTIAL_LOYALISTS | LOYAL          | CHAMPIONS | CHAMPIONS   |
 * | 3      | ABOUT_TO_SLEEP | NEED_ATTENTION      | LOYAL          | LOYAL     | LOYAL       |
 * | 2      | HIBERNATING    | HIBERNATING         | AT_RISK        | AT_RISK   | CANNOT_LOSE |
 * | 1      | LOST           | LOST                | AT_RISK        | AT_RISK   | CANNOT_LOSE |
 *
 * It is the common 11-segment map with its overlaps resolved in the order listed (champions first,
 * then loyal, potential loyalists, …).
 */
export const RFM_SEGMENT_RULES: readonly RfmSegmentRule[] = [
  {
    segment: 'CHAMPIONS',
    description: 'Bought recently, buy often and spend the most.',
    cells: [{ recency: [4, 5], fm: [4, 5] }],
  },
  {
    segment: 'LOYAL',
    description: 'Buy regularly and spend well; responsive to loyalty offers.',
    cells: [
      { recency: [3, 3], fm: [3, 5] },
      { recency: [4, 5], fm: [3, 3] },
    ],
  },
  {
    segment: 'POTENTIAL_LOYALISTS',
    description: 'Recent customers with a few purchases: could become loyal.',
    cells: [{ recency: [4, 5], fm: [2, 2] }],
  },
  {
    segment: 'NEW',
    description: 'Bought very recently, but little and seldom so far.',
    cells: [{ recency: [5, 5], fm: [1, 1] }],
  },
  {
    segment: 'PROMISING',
    description: 'Fairly recent, low frequency and spend.',
    cells: [{ recency: [4, 4], fm: [1, 1] }],
  },
  {
    segment: 'NEED_ATTENTION',
    description: 'Average recency, below-average frequency and spend.',
    cells: [{ recency: [3, 3], fm: [2, 2] }],
  },
  {
    segment: 'ABOUT_TO_SLEEP',
    description: 'Average recency, low frequency and spend: will be lost if not reactivated.',
    cells: [{ recency: [3, 3], fm: [1, 1] }],
  },
  {
    segment: 'AT_RISK',
    description: 'Bought often and spent well, but long ago.',
    cells: [{ recency: [1, 2], fm: [3, 4] }],
  },
  {
    segment: 'CANNOT_LOSE',
    description: 'Were among the best customers, but have not bought for a long time.',
    cells: [{ recency: [1, 2], fm: [5, 5] }],
  },
  {
    segment: 'HIBERNATING',
    description: 'Last bought a while ago, seldom and little.',
    cells: [{ recency: [2, 2], fm: [1, 2] }],
  },
  {
    segment: 'LOST',
    description: 'Lowest recency, frequency and spend.',
    cells: [{ recency: [1, 1], fm: [1, 2] }],
  },
];

function rangeText([low, high]: ScoreRange): string {
  return low === high ? String(low) : `${low}–${high}`;
}

/** A rule in words, e.g. "R 3 and FM 3–5, or R 4–5 and FM 3". */
export function ruleText(rule: RfmSegmentRule): string {
  return rule.cells.map((cell) => `R ${rangeText(cell.recency)} and FM ${rangeText(cell.fm)}`).join(', or ');
}

function isScore(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 5;
}

/** The FM score: the mean of F and M, halves rounded up. */
export function fmScore(frequency: number, monetary: number): number {
  return Math.floor((frequency + monetary + 1) / 2);
}

/** The segment of a customer's scores. Throws RangeError for scores outside 1–5. */
export function rfmSegment({ recency, frequency, monetary }: RfmScores): RfmSegment {
  if (!isScore(recency) || !isScore(frequency) || !isScore(monetary))
    throw new RangeError(`RFM scores must be whole numbers 1–5, got ${recency}, ${frequency}, ${monetary}`);
  const fm = fmScore(frequency, monetary);
  for (const rule of RFM_SEGMENT_RULES)
    for (const cell of rule.cells)
      if (recency >= cell.recency[0] && recency <= cell.recency[1] && fm >= cell.fm[0] && fm <= cell.fm[1])
        return rule.segment;
  throw new RangeError(`no RFM segment for ${recency}, ${frequency}, ${monetary}`); // unreachable: the table is complete
}

/**
 * Quintile score of each value, the same rule the SQL uses: `1 + floor(5 × (customers strictly
 * worse) / n)`. `higherIsBetter` false for recency days. Equal values get equal scores.
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  return values.map((value) => {
    const worse = values.filter((other) => (higherIsBetter ? other < value : other > value)).length;
    return 1 + Math.floor((5 * worse) / n);
  });
}

/**
 * The segment as a SQL CASE over integer score expressions, generated from RFM_SEGMENT_RULES so the
 * table has one source. Only numbers and segment names from the constant go into the text.
 */
export function segmentCaseSql(recency: string, fm: string): string {
  const whens = RFM_SEGMENT_RULES.flatMap((rule) =>
    rule.cells.map(
      (cell) =>
        `WHEN ${recency} BETWEEN ${cell.recency[0]} AND ${cell.recency[1]} AND ${fm} BETWEEN ${cell.fm[0]} AND ${cell.fm[1]} THEN '${rule.segment}'`,
    ),
  );
  return `(CASE ${whens.join(' ')} END)::"RfmSegment"`;
}
