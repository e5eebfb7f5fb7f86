import { describe, expect, it } from 'vitest';
import {
  bgnbdCustomerLogLikelihood,
  bgnbdData,
  bgnbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesUnconditional,
  probabilityAlive,
} from '../../src/modules/analytics/clv/bgnbd.ts';
import {
  expectedAverageSpend,
  gammaGammaCustomerLogLikelihood,
  gammaGammaData,
  gammaGammaLogLikelihood,
} from '../../src/modules/analytics/clv/gamma-gamma.ts';
import { minimisePositive } from '../../src/modules/analytics/clv/optimise.ts';
import { churnRiskOf, predictedValue } from '../../src/modules/analytics/clv/predict.ts';
import { digamma, hyp2f1, lbeta, lgamma, logAddExp, logHyp2f1 } from '../../src/modules/analytics/clv/special.ts';

/** |actual − expected| ≤ tolerance · max(1, |expected|). */
function close(actual: number, expected: number, tolerance = 1e-12) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

// Reference values: closed forms, or SciPy 1.17 (gammaln, betaln, digamma, hyp2f1).
describe('lgamma', () => {
  it.each([
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [1, 0],
    [1.5, -0.12078223763524526],
    [2, 0],
    [3, Math.LN2],
    [10, Math.log(362880)],
    [0.001, 6.907178885383853],
    [0.0001, 9.210282658633961],
    [0.24259, 1.3198290596192586],
    [100, 359.1342053695754],
    [171.5, 709.1431630309283],
    [1234.5678, 7551.033504440955],
  ])('lgamma(%s)', (x, expected) => close(lgamma(x), expected, 1e-13));

  it('is NaN outside x > 0', () => {
    expect(lgamma(0)).toBeNaN();
    expect(lgamma(-1.5)).toBeNaN();
  });

  it('satisfies Γ(x+1) = xΓ(x)', () => {
    for (const x of [0.01, 0.3, 0.9, 2.7, 13.3, 57.5]) close(lgamma(x + 1) - lgamma(x), Math.log(x), 1e-13);
  });
});

describe('lbeta, logAddExp, digamma', () => {
  it.each([
    [0.793, 2.426, -0.5115692885937031],
    [1, 1, 0],
    [2, 3, Math.log(1 / 12)],
  ])('lbeta(%s, %s)', (a, b, expected) => close(lbeta(a, b), expected, 1e-13));

  it('logAddExp', () => {
    close(logAddExp(Math.log(2), Math.log(3)), Math.log(5));
    close(logAddExp(1000, 1000), 1000 + Math.LN2);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
  });

  it.each([
    [0.5, -1.9635100260214235],
    [1, -0.5772156649015329],
    [2.5, 0.7031566406452432],
    [10, 2.251752589066721],
  ])('digamma(%s)', (x, expected) => close(digamma(x), expected, 1e-12));
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [-0.9, -0.5, -0.1, 0.1, 0.5, 0.9, 0.99]) {
      close(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z, 1e-12);
      close(hyp2f1(0.7, 2.3, 2.3, z), (1 - z) ** -0.7, 1e-12);
    }
    for (const s of [0.1, 0.5, 0.9]) close(hyp2f1(0.5, 0.5, 1.5, s * s), Math.asin(s) / s, 1e-12);
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
  });

  it.each([
    [1.5, 2.25, 3.75, 0.3, 1.3636177721852494],
    [0.5, -0.3, 2.2, 0.9, 0.9243650109999904],
    [10, 20, 15, 0.5, 13816.250429996559],
    [0.243, 2.426, 2.219, 0.74, 1.4545780715437497],
    [2.5, 1.5, 1.2, -0.8, 0.14095788916674168],
    [-1.2, 0.7, 3.1, 0.95, 0.7546687696595784],
  ])('2F1(%s, %s; %s; %s)', (a, b, c, z, expected) => close(hyp2f1(a, b, c, z), expected, 1e-11));

  it('keeps huge sums in log space', () => {
    // 2F1(a, b; b; z) = (1 − z)^(−a): 1e400-sized, beyond a double.
    const { log, sign } = logHyp2f1(1000, 5, 5, 0.6);
    expect(sign).toBe(1);
    close(log, -1000 * Math.log(0.4), 1e-12);
  });
});

describe('BG/NBD', () => {
  // Published CDNOW estimates (Fader, Hardie & Lee 2005).
  const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('single-customer log-likelihood equals the closed form', () => {
    // x = 0: L = (α/(α+T))^r · B(a, b+0)/B(a, b) = (α/(α+T))^r.
    const { r, alpha } = cdnow;
    close(bgnbdCustomerLogLikelihood(cdnow, 0, 0, 38.86), r * Math.log(alpha / (alpha + 38.86)), 1e-13);
    // x = 1, written out: Γ(r+1)/Γ(r) = r, B(a, b+1)/B(a, b) = b/(a+b).
    const { a, b } = cdnow;
    const [x, tx, T] = [1, 10, 30];
    const direct =
      ((r * alpha ** r) / (alpha + T) ** (r + 1)) * (b / (a + b)) +
      ((r * alpha ** r) / (alpha + tx) ** (r + 1)) * (b / (a + b)) * (a / (b + x - 1));
    close(bgnbdCustomerLogLikelihood(cdnow, x, tx, T), Math.log(direct), 1e-13);
  });

  it.each([
    [2, 30.43, 38.86, -9.45860630706627],
    [0, 0, 38.86, -0.5547132764381585],
    [5, 20, 30, -16.309929093600324],
    [20, 35, 40, -39.13194633898693],
  ])('LL(x=%s, tx=%s, T=%s) matches SciPy', (x, tx, T, expected) =>
    close(bgnbdCustomerLogLikelihood(cdnow, x, tx, T), expected, 1e-12),
  );

  it('the packed total equals the sum over customers (duplicates merged)', () => {
    const x = [0, 0, 2, 5, 0, 2, 20];
    const tx = [0, 0, 30.43, 20, 0, 30.43, 35];
    const T = [38.86, 38.86, 38.86, 30, 12, 38.86, 40];
    const data = bgnbdData(x, tx, T);
    expect(data.x.length).toBe(5);
    expect(data.customers).toBe(7);
    const sum = x.reduce((total, _, i) => total + bgnbdCustomerLogLikelihood(cdnow, x[i]!, tx[i]!, T[i]!), 0);
    close(bgnbdLogLikelihood(cdnow, data), sum, 1e-13);
    expect(bgnbdLogLikelihood({ ...cdnow, r: -1 }, data)).toBeNaN();
  });

  it('conditional expectation matches the published 1.226 and SciPy', () => {
    // FHL 2005: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to buy 1.226 times in 39 weeks.
    close(expectedPurchases(cdnow, 39, 2, 30.43, 38.86), 1.226028174767135, 1e-10);
    close(expectedPurchases(cdnow, 39, 0, 0, 38.86), 0.19509805201125396, 1e-10);
    close(expectedPurchases(cdnow, 10, 5, 20, 30), 0.804939411108088, 1e-10);
    close(expectedPurchases(cdnow, 52, 20, 35, 40), 12.289538371934182, 1e-10);
    close(expectedPurchases(cdnow, 12.857, 1, 1, 1), 1.5942783177285293, 1e-10);
    close(expectedPurchasesUnconditional(cdnow, 39), 1.1967231933207985, 1e-10);
    close(expectedPurchasesUnconditional(cdnow, 78), 1.8605190579427455, 1e-10);
    expect(expectedPurchases(cdnow, 0, 3, 10, 20)).toBe(0);
  });

  it('stays finite for heavy buyers and a near 1', () => {
    // mpmath at 30 digits: 341.0343033044520.
    close(expectedPurchases(cdnow, 52, 400, 38.9, 39), 341.034303304452, 1e-10);
    // Silent for a week after 400 purchases in 39 weeks: probably gone.
    expect(expectedPurchases(cdnow, 52, 400, 38, 39)).toBeLessThan(20);
    const nearOne = expectedPurchases({ ...cdnow, a: 1 }, 20, 3, 10, 20);
    close(
      nearOne,
      (expectedPurchases({ ...cdnow, a: 1 + 1e-4 }, 20, 3, 10, 20) +
        expectedPurchases({ ...cdnow, a: 1 - 1e-4 }, 20, 3, 10, 20)) /
        2,
      1e-6,
    );
  });

  it('P(alive) is 1 without repeat purchases and falls with time since the last purchase', () => {
    expect(probabilityAlive(cdnow, 0, 0, 50)).toBe(1);
    close(
      probabilityAlive(cdnow, 2, 30.43, 38.86),
      1 / (1 + (0.793 / 3.426) * ((4.414 + 38.86) / (4.414 + 30.43)) ** 2.243),
      1e-13,
    );
    let previous = 1;
    for (const tx of [38, 30, 20, 10, 1]) {
      const p = probabilityAlive(cdnow, 3, tx, 38.86);
      expect(p).toBeLessThan(previous);
      previous = p;
    }
    expect(probabilityAlive(cdnow, 3, 38.86, 38.86)).toBeCloseTo(1 / (1 + 0.793 / 4.426), 12);
    expect(probabilityAlive(cdnow, 500, 0, 1000)).toBe(0);
  });

  it('expected purchases grow with the horizon and with frequency', () => {
    let previous = 0;
    for (const t of [1, 4, 13, 26, 52, 104]) {
      const e = expectedPurchases(cdnow, t, 4, 30, 38);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
    expect(expectedPurchases(cdnow, 13, 6, 38, 38)).toBeGreaterThan(expectedPurchases(cdnow, 13, 2, 38, 38));
  });
});

describe('Gamma-Gamma', () => {
  const params = { p: 6.25, q: 3.74, gamma: 15.44 };

  it.each([
    [1, 20, -3.5941964929492016, 24.638487208008897],
    [5, 35.5, -4.064402654844599, 35.47734627831715],
  ])('x=%s m=%s', (x, m, ll, spend) => {
    close(gammaGammaCustomerLogLikelihood(params, x, m), ll, 1e-12);
    close(expectedAverageSpend(params, x, m)!, spend, 1e-13);
  });

  it('the packed total skips customers without repeat spend', () => {
    const data = gammaGammaData([0, 1, 5, 1, 2], [0, 20, 35.5, 20, 0]);
    expect(data.customers).toBe(3);
    close(gammaGammaLogLikelihood(params, data), 2 * -3.5941964929492016 + -4.064402654844599, 1e-12);
  });

  it('shrinks towards the population mean pγ/(q−1)', () => {
    close(expectedAverageSpend(params, 0, 0)!, (6.25 * 15.44) / 2.74, 1e-13);
    expect(expectedAverageSpend({ ...params, q: 1 }, 1, 10)).toBeNull();
  });
});

describe('minimisePositive', () => {
  it('finds the minimum of a smooth function deterministically', () => {
    const f = ([u, v]: number[]) => (Math.log(u!) - Math.log(3)) ** 2 + 2 * (v! - 0.25) ** 2;
    const first = minimisePositive(f, [1, 1]);
    const second = minimisePositive(f, [1, 1]);
    expect(first).toEqual(second);
    expect(first.converged).toBe(true);
    expect(first.params[0]).toBeCloseTo(3, 5);
    expect(first.params[1]).toBeCloseTo(0.25, 5);
  });

  it('stops at the bounds', () => {
    const result = minimisePositive(([u]) => -Math.log(u!), [1], { upper: 100 });
    expect(result.params[0]).toBeCloseTo(100, 6);
  });
});

describe('churn risk and value', () => {
  it.each([
    [1, 'LOW'],
    [0.7, 'LOW'],
    [0.69, 'MEDIUM'],
    [0.4, 'MEDIUM'],
    [0.1, 'HIGH'],
    [0.0999, 'LOST'],
  ])('P(alive) %s → %s', (p, band) => expect(churnRiskOf(p)).toBe(band));

  it('undiscounted value is expected purchases × spend; discounting lowers it', () => {
    const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const customer = { x: 2, tx: 30.43, T: 38.86 };
    const undiscounted = predictedValue(cdnow, 25, customer, { horizonDays: 365.25, discountRate: 0 });
    close(undiscounted, 25 * expectedPurchases(cdnow, 365.25 / 7, 2, 30.43, 38.86), 1e-12);
    const discounted = predictedValue(cdnow, 25, customer, { horizonDays: 365.25, discountRate: 0.1 });
    expect(discounted).toBeLessThan(undiscounted);
    expect(discounted).toBeGreaterThan(undiscounted / 1.1);
  });
});
