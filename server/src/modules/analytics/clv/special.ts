/**
 * Special functions for the BG/NBD and Gamma-Gamma models: log-gamma, log-beta and the Gauss
 * hypergeometric function 2F1. Pure, allocation-free, table-tested against known values.
 */

// Lanczos approximation with g = 671/128 and 14 terms (Numerical Recipes, 3rd ed., §6.1): about
// 1e-15 relative accuracy for x > 0.
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189,
  0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408,
  0.0000036899182659531625,
];
const SQRT_2PI = 2.5066282746310007;

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function lgamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === 1 || x === 2) return 0;
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.9999999999999971;
  for (let j = 0; j < 14; j++) ser += LANCZOS[j]! / ++y;
  return tmp + Math.log((SQRT_2PI * ser) / x);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln(e^x + e^y) without overflow; either may be −∞. */
export function logAddExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/** ψ(x), the digamma function, for x > 0 (recurrence up to 10, then the asymptotic series). */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let result = 0;
  let v = x;
  while (v < 10) {
    result -= 1 / v;
    v += 1;
  }
  const inv = 1 / v;
  const inv2 = inv * inv;
  return (
    result +
    Math.log(v) -
    0.5 * inv -
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
  );
}

const MAX_TERMS = 1_000_000;
const EPSILON = 1e-16;

/**
 * The Gauss hypergeometric series ₂F₁(a, b; c; z) for −1 < z < 1 (c not a non-positive integer).
 * Terms are summed with rescaling, so large parameters (a term peaking at 1e300 and more) neither
 * overflow nor lose the sum; the result is returned as { log |F|, sign }.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): { log: number; sign: number } {
  if (!(z > -1 && z < 1)) return { log: Number.NaN, sign: Number.NaN };
  if (z < -0.5) {
    // Pfaff: ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)), and z/(z−1) ∈ (1/3, 1/2).
    const inner = logHyp2f1(a, c - b, c, z / (z - 1));
    return { log: inner.log - a * Math.log1p(-z), sign: inner.sign };
  }
  let scale = 0; // log of the factor every stored number is divided by
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) break;
    if (Math.abs(term) <= EPSILON * Math.abs(sum) && k > 2) {
      // Past the peak: the remaining terms shrink at least geometrically (ratio → z).
      const next = Math.abs((((a + k + 1) * (b + k + 1)) / ((c + k + 1) * (k + 2))) * z);
      if (next < 1) break;
    }
    const magnitude = Math.abs(sum);
    if (magnitude > 1e250) {
      term /= magnitude;
      sum /= magnitude;
      scale += Math.log(magnitude);
    }
  }
  return { log: scale + Math.log(Math.abs(sum)), sign: Math.sign(sum) };
}

/** ₂F₁(a, b; c; z) for −1 < z < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const { log, sign } = logHyp2f1(a, b, c, z);
  return sign * Math.exp(log);
}
