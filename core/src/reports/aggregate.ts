/**
 * Samples folded into aggregates: a count, the sums (clock and business) and, for the metrics that
 * show a median and p90, the values themselves (sorted). Rollup rows, the raw computation and the
 * page all use these, so they agree by construction of the arithmetic, not by copying numbers.
 */
import { METRIC } from "./metrics.ts";

export interface Agg {
  n: number;
  sum: number;
  businessSum: number;
  /** Sorted; only for metrics with a median and p90 (`keepsValues`). */
  values: number[];
  businessValues: number[];
}

const WITH_VALUES: ReadonlySet<string> = new Set([
  METRIC.firstResponse,
  METRIC.nextResponse,
  METRIC.resolution,
  METRIC.csat,
  METRIC.ces,
  METRIC.nps,
]);

/**
 * Whether a metric keeps its values (for percentiles) rather than only a count and sums.
 *
 * @example
 * keepsValues("first_response"); // true
 */
export function keepsValues(metric: string): boolean {
  return WITH_VALUES.has(metric);
}

/** An empty aggregate. */
export const emptyAgg = (): Agg => ({ n: 0, sum: 0, businessSum: 0, values: [], businessValues: [] });

/**
 * How many values of a sorted list are below `v` (at most `v` with `orEqual`), by binary search.
 *
 * @example
 * countBelow([1, 2, 2, 5], 2); // 1
 * countBelow([1, 2, 2, 5], 2, true); // 3
 */
export function countBelow(list: readonly number[], v: number, orEqual = false): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < v || (orEqual && list[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], v: number): void {
  list.splice(countBelow(list, v, true), 0, v);
}

function removeSorted(list: number[], v: number): void {
  const i = list.indexOf(v);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Adds (`sign` 1) or removes (`sign` -1) one sample's value from an aggregate.
 *
 * @example
 * apply(agg, "first_response", { value: 60_000, businessValue: 0 }, 1);
 */
export function apply(agg: Agg, metric: string, s: { value: number; businessValue: number | null }, sign: 1 | -1): void {
  const business = s.businessValue ?? s.value;
  agg.n += sign;
  agg.sum += sign * s.value;
  agg.businessSum += sign * business;
  if (!keepsValues(metric)) return;
  if (sign === 1) {
    insertSorted(agg.values, s.value);
    insertSorted(agg.businessValues, business);
  } else {
    removeSorted(agg.values, s.value);
    removeSorted(agg.businessValues, business);
  }
}

/**
 * Adds one aggregate into another (merging the sorted values).
 *
 * @example
 * const week = days.reduce((acc, day) => merge(acc, day), emptyAgg());
 */
export function merge(into: Agg, from: Agg): Agg {
  into.n += from.n;
  into.sum += from.sum;
  into.businessSum += from.businessSum;
  if (from.values.length) {
    into.values = mergeSorted(into.values, from.values);
    into.businessValues = mergeSorted(into.businessValues, from.businessValues);
  }
  return into;
}

function mergeSorted(a: number[], b: number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
