import { type BgNbdParams, expectedPurchases, probabilityAlive } from './bgnbd.ts';

export type ChurnRisk = 'LOW' | 'MEDIUM' | 'HIGH' | 'LOST';

/** The band of P(alive): LOW ≥ 0.7, MEDIUM ≥ 0.4, HIGH ≥ 0.1, LOST below. */
export function churnRiskOf(probabilityAlive: number): ChurnRisk {
  if (probabilityAlive >= 0.7) return 'LOW';
  if (probabilityAlive >= 0.4) return 'MEDIUM';
  if (probabilityAlive >= 0.1) return 'HIGH';
  return 'LOST';
}

/** A mean calendar month, in days. */
export const MONTH_DAYS = 365.25 / 12;
export const DAYS_PER_WEEK = 7;

export interface ValueOptions {
  horizonDays: number;
  /** Yearly discount rate, e.g. 0.1 for 10 % a year. */
  discountRate: number;
}

/**
 * Discounted expected value over the horizon: the horizon is cut into months (the last one may be
 * shorter); each month's expected purchases E[Y(t_k)] − E[Y(t_{k−1})] times the expected spend per
 * purchase is discounted by (1 + d_m)^k, d_m = (1 + discountRate)^(1/12) − 1.
 */
export function predictedValue(
  params: BgNbdParams,
  spendPerPurchase: number,
  customer: { x: number; tx: number; T: number },
  { horizonDays, discountRate }: ValueOptions,
): number {
  const monthly = (1 + discountRate) ** (1 / 12) - 1;
  const steps = Math.ceil(horizonDays / MONTH_DAYS - 1e-9);
  let previous = 0;
  let value = 0;
  for (let k = 1; k <= steps; k++) {
    const weeks = Math.min(k * MONTH_DAYS, horizonDays) / DAYS_PER_WEEK;
    const expected = expectedPurchases(params, weeks, customer.x, customer.tx, customer.T);
    value += ((expected - previous) * spendPerPurchase) / (1 + monthly) ** k;
    previous = expected;
  }
  return value;
}

export { probabilityAlive };
