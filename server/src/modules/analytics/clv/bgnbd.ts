import { lbeta, lgamma, logAddExp, logHyp2f1 } from './special.ts';

/**
 * The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys at rate λ ~ Gamma(r, α); after each purchase they drop out with probability
 * p ~ Beta(a, b). Time is in weeks. A customer is summarised by x (repeat purchases), t_x (time of the
 * last purchase since the first) and T (time since the first purchase).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Summaries packed for the likelihood: identical (x, t_x, T) rows merged into one with a weight. */
export interface BgNbdData {
  /** Unique rows. */
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index of each row's x among `distinctX`. */
  xIndex: Int32Array;
  distinctX: Float64Array;
  /** Customers (the sum of the weights). */
  customers: number;
}

/** Packs summaries for `bgnbdLogLikelihood`; x must be whole numbers ≥ 0 and 0 ≤ t_x ≤ T. */
export function bgnbdData(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>): BgNbdData {
  const rows = new Map<string, number>();
  const ux: number[] = [];
  const utx: number[] = [];
  const uT: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const key = `${x[i]}|${tx[i]}|${T[i]}`;
    const at = rows.get(key);
    if (at !== undefined) weights[at]!++;
    else {
      rows.set(key, ux.length);
      ux.push(x[i]!);
      utx.push(tx[i]!);
      uT.push(T[i]!);
      weights.push(1);
    }
  }
  const distinct = [...new Set(ux)].sort((p, q) => p - q);
  const position = new Map(distinct.map((value, index) => [value, index]));
  return {
    x: Float64Array.from(ux),
    tx: Float64Array.from(utx),
    T: Float64Array.from(uT),
    weight: Float64Array.from(weights),
    xIndex: Int32Array.from(ux, (value) => position.get(value)!),
    distinctX: Float64Array.from(distinct),
    customers: x.length,
  };
}

/**
 * One customer's log-likelihood, FHL 2005 eq. (6) in log-sum-exp form:
 * ln L = A1 + A2 + ln(e^A3 + δ(x>0) e^A4) with
 * A1 = ln Γ(r+x) − ln Γ(r) + r ln α, A2 = ln B(a, b+x) − ln B(a, b),
 * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 */
export function bgnbdCustomerLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lbeta(a, b + x) - lbeta(a, b);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * The sample's total log-likelihood. Terms that depend on x alone are computed once per distinct x;
 * the loop over rows is two logarithms, an exponential and a log1p.
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  const distinct = data.distinctX;
  const byX = new Float64Array(distinct.length); // A1 + A2 without r ln α
  const logA4 = new Float64Array(distinct.length); // ln a − ln(b+x−1)
  const lgr = lgamma(r);
  const lbab = lbeta(a, b);
  const lnA = Math.log(a);
  for (let k = 0; k < distinct.length; k++) {
    const x = distinct[k]!;
    byX[k] = lgamma(r + x) - lgr + lbeta(a, b + x) - lbab;
    logA4[k] = x > 0 ? lnA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const { x, tx, T, weight, xIndex } = data;
  let total = r * Math.log(alpha) * data.customers;
  for (let i = 0; i < x.length; i++) {
    const k = xIndex[i]!;
    const rx = r + x[i]!;
    const a3 = -rx * Math.log(alpha + T[i]!);
    let ll = byX[k]!;
    if (x[i]! > 0) {
      const a4 = logA4[k]! - rx * Math.log(alpha + tx[i]!);
      ll += a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    } else ll += a3;
    total += weight[i]! * ll;
  }
  return total;
}

/** P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)); 1 for x = 0. */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  // 1 / (1 + e^logOdds), written so that a huge logOdds gives 0 rather than NaN.
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/** Keeps a away from 1, where (a+b+x−1)/(a−1) · [1 − …] is 0/0 (the limit is smooth). */
function awayFromOne(a: number): number {
  return Math.abs(a - 1) < 1e-7 ? 1 + (a >= 1 ? 1e-7 : -1e-7) : a;
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t weeks (FHL 2005 eq. 10),
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 * With z = t/(α+T+t), Euler's transformation turns (1−z)^(r+x) ₂F₁(r+x, b+x; c; z) into
 * (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; c; z), whose parameters stay small however large x is.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, b } = params;
  const a = awayFromOne(params.a);
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const f = logHyp2f1(a + b - 1 - r, a - 1, c, z);
  const tail = f.sign * Math.exp((a - 1) * Math.log1p(-z) + f.log);
  return (c / (a - 1)) * (1 - tail) * probabilityAlive(params, x, tx, T);
}

/**
 * E[X(t)]: expected purchases of a new customer in their first t weeks (FHL 2005 eq. 9),
 * (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchasesUnconditional(params: BgNbdParams, t: number): number {
  // The same as a customer observed for no time (x = t_x = T = 0).
  return expectedPurchases(params, t, 0, 0, 0);
}
