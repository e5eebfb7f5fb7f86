import { type BgNbdData, type BgNbdParams, bgnbdLogLikelihood } from './bgnbd.ts';
import { type GammaGammaData, type GammaGammaParams, gammaGammaLogLikelihood } from './gamma-gamma.ts';
import { type MinimiseOptions, minimisePositive } from './optimise.ts';

export interface FitReport<P> {
  params: P;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  durationMs: number;
}

/** Maximum-likelihood BG/NBD parameters (Nelder–Mead over ln r, ln α, ln a, ln b). */
export function fitBgNbd(data: BgNbdData, options: MinimiseOptions = {}): FitReport<BgNbdParams> {
  const started = performance.now();
  // Start from a purchase rate of about one per mean customer age.
  let meanT = 0;
  for (let i = 0; i < data.T.length; i++) meanT += data.T[i]! * data.weight[i]!;
  meanT = data.customers > 0 ? meanT / data.customers : 1;
  const result = minimisePositive(
    ([r, alpha, a, b]) => -bgnbdLogLikelihood({ r: r!, alpha: alpha!, a: a!, b: b! }, data),
    [1, Math.max(1, meanT), 1, 1],
    options,
  );
  const [r, alpha, a, b] = result.params as [number, number, number, number];
  return {
    params: { r, alpha, a, b },
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    durationMs: performance.now() - started,
  };
}

/** Maximum-likelihood Gamma-Gamma parameters (Nelder–Mead over ln p, ln q, ln γ). */
export function fitGammaGamma(data: GammaGammaData, options: MinimiseOptions = {}): FitReport<GammaGammaParams> {
  const started = performance.now();
  let meanM = 0;
  for (let i = 0; i < data.m.length; i++) meanM += data.m[i]! * data.weight[i]!;
  meanM = data.customers > 0 ? meanM / data.customers : 1;
  const result = minimisePositive(
    ([p, q, gamma]) => -gammaGammaLogLikelihood({ p: p!, q: q!, gamma: gamma! }, data),
    [1, 2, Math.max(1e-3, meanM)],
    options,
  );
  const [p, q, gamma] = result.params as [number, number, number];
  return {
    params: { p, q, gamma },
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    durationMs: performance.now() - started,
  };
}
