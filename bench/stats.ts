/** Order statistics for latency samples. Percentiles interpolate linearly between ranks (R type 7). */

export interface Summary {
  n: number;
  min: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The q-quantile (0..1) of ascending samples, interpolated between the two nearest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(rank);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (rank - below);
}

export function ascending(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = ascending(samples);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p25: quantile(sorted, 0.25),
    p50: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((total, x) => total + x, 0) / Math.max(1, sorted.length),
  };
}

export function median(samples: readonly number[]): number {
  return quantile(ascending(samples), 0.5);
}

/** Rounds for reports: 2 decimals below 100, 1 above (sub-0.01 ms detail is noise here). */
export function round(value: number, decimals = value >= 100 ? 1 : 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function ratio(numerator: number, denominator: number): number {
  return round(numerator / denominator, 1);
}
