/**
 * The statistics every KPI shows (docs/kpis.md): n, mean, median and p90 by nearest rank (the
 * smallest value with at least that share of the values at or below it).
 */

export interface Summary {
  n: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/**
 * The nearest-rank percentile of sorted values (`p` from 0 to 100), or null when there are none.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * n, mean, median and p90 of some values (in any order).
 *
 * @example
 * summarize([60_000, 120_000, 3_600_000]); // { n: 3, mean: 1_260_000, median: 120_000, p90: 3_600_000 }
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: null, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return { n: sorted.length, mean: total / sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}
