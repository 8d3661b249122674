/**
 * A tally of the work that ran on the JavaScript thread since the loop-delay sampler last looked
 * (loop-delay.ts), by label: the store's group commits and their sizes, the durable subscribers'
 * events, the jobs run by kind (`jobs.<kind>`), the messages the search index took and its merge
 * steps. When the sampler finds a stall, the tally says what ran during it. Counting is one Map
 * update per note; the tally is process-wide (one event loop per process).
 */

const tally = new Map<string, number>();
const totals = new Map<string, number>();

/**
 * Counts `n` units of work under `label` (a low-cardinality name, no ids or secrets).
 *
 * @example
 * noteWork("store.group_commit");
 * noteWork("store.group_callers", group.length);
 */
export function noteWork(label: string, n = 1): void {
  tally.set(label, (tally.get(label) ?? 0) + n);
  totals.set(label, (totals.get(label) ?? 0) + n);
}

/** Everything counted since the process started, by label (benchmarks subtract two readings). */
export function workTotals(): Record<string, number> {
  return Object.fromEntries(totals);
}

/** The work counted since the last call, and a fresh tally. */
export function takeWork(): Record<string, number> {
  const work = Object.fromEntries(tally);
  tally.clear();
  return work;
}
