/** Order statistics for benchmark samples. Quantiles interpolate between the two nearest ranks (R type 7). */

export interface Percentiles {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function ascending(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** The q-quantile (0..1) of ascending samples. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(rank);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (rank - below);
}

export function mean(samples: readonly number[]): number {
  return samples.reduce((total, x) => total + x, 0) / Math.max(1, samples.length);
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = ascending(samples);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: mean(sorted),
  };
}

/** Rounds for a report: 3 significant decimals below 1, 2 below 100, 1 above. */
export function round(value: number, decimals = value < 1 ? 3 : value < 100 ? 2 : 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** `{p50Ms, p99Ms}` as the result files name them, rounded. */
export function latency(samples: readonly number[]): { p50Ms: number; p99Ms: number } {
  const sorted = ascending(samples);
  return { p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)) };
}

/** Percentiles with quartiles, for box plots. */
export interface Summary extends Percentiles {
  p25: number;
  p75: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = ascending(samples);
  return { ...percentiles(sorted), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
}

export function median(samples: readonly number[]): number {
  return quantile(ascending(samples), 0.5);
}

export function ratio(numerator: number, denominator: number): number {
  return round(numerator / denominator, 1);
}
