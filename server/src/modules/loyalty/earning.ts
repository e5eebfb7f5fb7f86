import { minorUnitsPer } from './program.service.ts';
import type { ProgramRules, Rounding } from './program-rules.ts';

/**
 * Points for one order: pure arithmetic on the order's lines and the program's rules, so that it can
 * be table-tested and the same function scores sales (positive) and returns (negative).
 *
 * - Only PRODUCT lines earn; shipping, fees and adjustments never do.
 * - The order-level discount is shared out over the product lines in proportion to their totals.
 * - A product multiplier (by sku) wins over category multipliers; among categories (any entry of the
 *   product's categoryPath) the highest wins; otherwise 1.
 * - The customer's tier multiplier applies to the whole order.
 * - Points per currency unit use the currency's minor units (EUR 100, JPY 1).
 * - The rounding rule applies once, to the order's total (by magnitude, so a return mirrors its sale).
 * - An order from a channel the program does not cover earns nothing.
 */

export type LineKind = 'PRODUCT' | 'SHIPPING' | 'FEE' | 'ADJUSTMENT';
export type Channel = 'STORE' | 'ONLINE' | 'APP' | 'OTHER';

export interface EarningLine {
  kind: LineKind;
  sku: string | null;
  /** The product's category path from the top, e.g. ["Kitchen", "Mugs"]; empty when unknown. */
  categoryPath: readonly string[];
  /** The line's total in minor units after its own discount; negative for returned goods. */
  total: number;
}

export interface EarningInput {
  lines: readonly EarningLine[];
  /** The order-level discount, positive (for a return it reduces the refund). */
  orderDiscount: number;
  currency: string;
  channel: Channel;
  /** The customer's tier earnMultiplier at the time of the order (default 1). */
  tierMultiplier?: number;
}

export interface LineEarning {
  sku: string | null;
  /** Minor units that earn, after the line's share of the order discount. */
  eligible: number;
  multiplier: number;
}

export interface Earning {
  /** Whole points, signed: negative for a return. */
  points: number;
  /** Before rounding. */
  exact: number;
  /** Minor units that earned (product lines after discounts). */
  eligible: number;
  lines: LineEarning[];
  /** Why nothing was earned, when nothing was: 'CHANNEL' or 'NO_PRODUCTS'. */
  excluded?: 'CHANNEL' | 'NO_PRODUCTS';
}

/** The multiplier of one product line: product (by sku) first, else the highest matching category, else 1. */
export function lineMultiplier(rules: ProgramRules, line: Pick<EarningLine, 'sku' | 'categoryPath'>): number {
  if (line.sku) {
    const product = rules.earning.productMultipliers.find((entry) => entry.sku === line.sku);
    if (product) return product.multiplier;
  }
  let best: number | undefined;
  for (const entry of rules.earning.categoryMultipliers)
    if (line.categoryPath.includes(entry.category) && (best === undefined || entry.multiplier > best))
      best = entry.multiplier;
  return best ?? 1;
}

/** Rounds a non-negative amount; tiny float noise (19.000000000004) is removed first. */
export function roundPoints(value: number, rounding: Rounding): number {
  const sign = value < 0 ? -1 : 1;
  const clean = Math.round(Math.abs(value) * 1e6) / 1e6;
  const rounded =
    rounding === 'CEIL' ? Math.ceil(clean) : rounding === 'NEAREST' ? Math.round(clean) : Math.floor(clean);
  return rounded === 0 ? 0 : sign * rounded;
}

export function pointsForOrder(rules: ProgramRules, input: EarningInput): Earning {
  const channels = rules.earning.channels;
  if (channels.length > 0 && !channels.includes(input.channel))
    return { points: 0, exact: 0, eligible: 0, lines: [], excluded: 'CHANNEL' };
  const products = input.lines.filter((line) => line.kind === 'PRODUCT' && line.total !== 0);
  const productSum = products.reduce((sum, line) => sum + line.total, 0);
  if (products.length === 0 || productSum === 0)
    return { points: 0, exact: 0, eligible: 0, lines: [], excluded: 'NO_PRODUCTS' };

  // Every product line keeps the same fraction of its value after the order discount.
  const keep = Math.max(0, 1 - Math.max(0, input.orderDiscount) / Math.abs(productSum));
  const lines = products.map((line) => ({
    sku: line.sku,
    eligible: line.total * keep,
    multiplier: lineMultiplier(rules, line),
  }));
  const weighted = lines.reduce((sum, line) => sum + line.eligible * line.multiplier, 0);
  const exact = (weighted / minorUnitsPer(input.currency)) * rules.earning.pointsPerUnit * (input.tierMultiplier ?? 1);
  const eligible = Math.round(lines.reduce((sum, line) => sum + line.eligible, 0));
  return {
    points: roundPoints(exact, rules.earning.rounding),
    exact,
    eligible,
    lines: lines.map((line) => ({ ...line, eligible: Math.round(line.eligible) })),
  };
}

/** `date` plus whole calendar months (UTC), the day clamped to the month's end (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return result;
}

/** When points earned at `earnedAt` expire under these rules (null: never). */
export function lotExpiry(rules: ProgramRules, earnedAt: Date): Date | null {
  return rules.expiry.months ? addMonths(earnedAt, rules.expiry.months) : null;
}

/**
 * Points to take back for a return of `returnedAmount` (positive minor units) from an order that
 * earned `earnedPoints` on a total of `orderTotal`: proportional, rounded to the nearest point,
 * never more than was earned.
 */
export function pointsToReverse(earnedPoints: number, orderTotal: number, returnedAmount: number): number {
  if (earnedPoints <= 0 || orderTotal <= 0 || returnedAmount <= 0) return 0;
  if (returnedAmount >= orderTotal) return earnedPoints;
  return Math.min(earnedPoints, Math.round((earnedPoints * returnedAmount) / orderTotal));
}
