/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Latency-style summary of many samples. */
export interface Distribution {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round2(percentile(sorted, 50)),
    p99: round2(percentile(sorted, 99)),
    mean: round2(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    min: round2(sorted[0] ?? Number.NaN),
    max: round2(sorted.at(-1) ?? Number.NaN),
  };
}

/** Median, min and max of one figure over the rounds (the "median, min and max of each"). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every round's value, in round order. */
  rounds: number[];
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? sorted[Math.floor(mid)]
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    median: round2(median as number),
    min: round2(sorted[0] as number),
    max: round2(sorted.at(-1) as number),
    rounds: values.map(round2),
  };
}

/** Per-round ratios a[i] / b[i] (the contenders ran in the same round, so they saw the same load). */
export function ratios(numerators: readonly number[], denominators: readonly number[]): Spread {
  if (numerators.length !== denominators.length) throw new Error('ratios need as many rounds on both sides');
  return spread(numerators.map((n, i) => n / (denominators[i] as number)));
}
