/**
 * A bounded Nelder–Mead minimiser over log-parameters, deterministic (no randomness): positive
 * parameters are searched as u = ln θ, clamped to [ln lower, ln upper]; after convergence the search
 * restarts from the best point with a fresh simplex until a restart no longer improves the value.
 */
export interface MinimiseOptions {
  /** Bounds of every parameter (default 1e-4 … 1e4). */
  lower?: number;
  upper?: number;
  /** Initial simplex step in log space (default 0.5: ×1.65). */
  step?: number;
  /** Stop when the simplex's values differ by less than fTol · (1 + |f|) and its size is below xTol. */
  fTol?: number;
  xTol?: number;
  maxIterations?: number;
  /** Restarts after the first convergence (default 3). */
  restarts?: number;
}

export interface MinimiseResult {
  /** The minimising parameters (natural scale). */
  params: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** Minimises `objective` over positive parameters starting at `start`. Non-finite values count as +∞. */
export function minimisePositive(
  objective: (params: number[]) => number,
  start: number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const lower = Math.log(options.lower ?? 1e-4);
  const upper = Math.log(options.upper ?? 1e4);
  const fTol = options.fTol ?? 1e-10;
  const xTol = options.xTol ?? 1e-5;
  const maxIterations = options.maxIterations ?? 5_000;
  const restarts = options.restarts ?? 3;
  let evaluations = 0;
  const clamp = (u: number[]) => u.map((v) => Math.min(upper, Math.max(lower, v)));
  const f = (u: number[]) => {
    evaluations++;
    const value = objective(u.map(Math.exp));
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };

  let best = clamp(start.map(Math.log));
  let bestValue = f(best);
  let iterations = 0;
  let converged = false;
  let step = options.step ?? 0.5;
  for (let round = 0; round <= restarts; round++) {
    const run = nelderMead(f, best, step, clamp, { fTol, xTol, maxIterations: maxIterations - iterations });
    iterations += run.iterations;
    const improvement = bestValue - run.value;
    const improved = run.value < bestValue;
    if (improved) {
      best = run.point;
      bestValue = run.value;
    }
    converged = run.converged;
    if (!run.converged || iterations >= maxIterations) break;
    // A restart that moved the value by less than the tolerance confirms the minimum.
    if (round > 0 && (!improved || improvement <= fTol * (1 + Math.abs(bestValue)) * 10)) break;
    step = 0.1;
  }
  return { params: best.map(Math.exp), value: bestValue, iterations, evaluations, converged };
}

interface RunResult {
  point: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

function nelderMead(
  f: (u: number[]) => number,
  start: number[],
  step: number,
  clamp: (u: number[]) => number[],
  { fTol, xTol, maxIterations }: { fTol: number; xTol: number; maxIterations: number },
): RunResult {
  const n = start.length;
  // Standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½.
  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const vertex = start.slice();
    vertex[i] = vertex[i]! + step;
    let moved = clamp(vertex);
    // At the upper bound, step the other way.
    if (moved[i] === start[i]) {
      vertex[i] = start[i]! - step;
      moved = clamp(vertex);
    }
    points.push(moved);
  }
  const values = points.map(f);
  const order = points.map((_, i) => i);
  let iterations = 0;
  const combine = (from: number[], to: number[], t: number) => clamp(from.map((v, i) => v + t * (to[i]! - v)));
  while (iterations < maxIterations) {
    order.sort((i, j) => values[i]! - values[j]!);
    const bestI = order[0]!;
    const worstI = order[n]!;
    const secondWorstI = order[n - 1]!;
    const fBest = values[bestI]!;
    const fWorst = values[worstI]!;
    let size = 0;
    for (const i of order)
      for (let d = 0; d < n; d++) size = Math.max(size, Math.abs(points[i]![d]! - points[bestI]![d]!));
    if (Number.isFinite(fWorst) && fWorst - fBest <= fTol * (1 + Math.abs(fBest)) && size <= xTol)
      return { point: points[bestI]!, value: fBest, iterations, converged: true };
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n)) for (let d = 0; d < n; d++) centroid[d]! += points[i]![d]! / n;
    const reflected = combine(centroid, points[worstI]!, -1);
    const fReflected = f(reflected);
    if (fReflected < fBest) {
      const expanded = combine(centroid, points[worstI]!, -2);
      const fExpanded = f(expanded);
      if (fExpanded < fReflected) {
        points[worstI] = expanded;
        values[worstI] = fExpanded;
      } else {
        points[worstI] = reflected;
        values[worstI] = fReflected;
      }
      continue;
    }
    if (fReflected < values[secondWorstI]!) {
      points[worstI] = reflected;
      values[worstI] = fReflected;
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = fReflected < fWorst;
    const contracted = combine(centroid, outside ? reflected : points[worstI]!, 0.5);
    const fContracted = f(contracted);
    if (fContracted < (outside ? fReflected : fWorst)) {
      points[worstI] = contracted;
      values[worstI] = fContracted;
      continue;
    }
    for (const i of order.slice(1)) {
      points[i] = combine(points[bestI]!, points[i]!, 0.5);
      values[i] = f(points[i]!);
    }
  }
  order.sort((i, j) => values[i]! - values[j]!);
  return { point: points[order[0]!]!, value: values[order[0]!]!, iterations, converged: false };
}
