import { lgamma } from './special.ts';

/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves",
 * and Fader & Hardie's note "The Gamma-Gamma model of monetary value"): a customer's spend per
 * purchase ~ Gamma(p, ν) with ν ~ Gamma(q, γ); m̄ is the mean of their x repeat purchases. γ is in the
 * money unit of m̄ (Kanta fits in major units).
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Customers with x > 0 repeat purchases of mean spend m̄ > 0, merged into weighted unique rows. */
export interface GammaGammaData {
  x: Float64Array;
  logX: Float64Array;
  m: Float64Array;
  logM: Float64Array;
  weight: Float64Array;
  xIndex: Int32Array;
  distinctX: Float64Array;
  customers: number;
}

export function gammaGammaData(x: ArrayLike<number>, m: ArrayLike<number>): GammaGammaData {
  const rows = new Map<string, number>();
  const ux: number[] = [];
  const um: number[] = [];
  const weights: number[] = [];
  let customers = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! > 0 && m[i]! > 0)) continue;
    customers++;
    const key = `${x[i]}|${m[i]}`;
    const at = rows.get(key);
    if (at !== undefined) weights[at]!++;
    else {
      rows.set(key, ux.length);
      ux.push(x[i]!);
      um.push(m[i]!);
      weights.push(1);
    }
  }
  const distinct = [...new Set(ux)].sort((p, q) => p - q);
  const position = new Map(distinct.map((value, index) => [value, index]));
  return {
    x: Float64Array.from(ux),
    logX: Float64Array.from(ux, Math.log),
    m: Float64Array.from(um),
    logM: Float64Array.from(um, Math.log),
    weight: Float64Array.from(weights),
    xIndex: Int32Array.from(ux, (value) => position.get(value)!),
    distinctX: Float64Array.from(distinct),
    customers,
  };
}

/**
 * One customer's log-likelihood of their mean spend m̄ over x purchases:
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄).
 */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + x * m)
  );
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: GammaGammaData): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
  const distinct = data.distinctX;
  const byX = new Float64Array(distinct.length);
  for (let k = 0; k < distinct.length; k++) {
    const px = p * distinct[k]!;
    byX[k] = lgamma(px + q) - lgamma(px);
  }
  const { x, logX, m, logM, weight, xIndex } = data;
  const lnGamma = Math.log(gamma);
  let total = (q * lnGamma - lgamma(q)) * data.customers;
  for (let i = 0; i < x.length; i++) {
    const px = p * x[i]!;
    const ll = byX[xIndex[i]!]! + (px - 1) * logM[i]! + px * logX[i]! - (px + q) * Math.log(gamma + x[i]! * m[i]!);
    total += weight[i]! * ll;
  }
  return total;
}

/**
 * E[spend per purchase | x, m̄] = p(γ + x m̄) / (px + q − 1): a weighted mean of the population mean
 * pγ/(q−1) and the customer's own m̄. Null when q ≤ 1 (the population mean does not exist).
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, m: number): number | null {
  const { p, q, gamma } = params;
  if (!(q > 1)) return null;
  // Without repeat spend the customer's own mean carries no weight: the population mean.
  const n = x > 0 && m > 0 ? x : 0;
  return (p * (gamma + n * m)) / (p * n + q - 1);
}
