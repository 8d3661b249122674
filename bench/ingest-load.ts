/**
 * An open-loop load generator for a fixed request rate: request i is due at start + i/rate and is
 * sent then, whether or not earlier ones have been answered, and its latency is counted from when it
 * was due (not from when it happened to go out). A server that stalls is charged for every request
 * that waited behind the stall, which a closed loop like wrk's hides ("coordinated omission"); this
 * is what a fleet of independent webhooks senders does. wrk cannot hold a fixed rate, so the
 * ingest benchmark uses this for "p99 at 1,000 msg/s" and wrk for the saturation throughput.
 * Requests go over a pool of raw keep-alive sockets (ingest-http.ts), which costs far less CPU per
 * request than fetch(): at 1,000 requests per second fetch() would make the generator itself late.
 */
import { httpPool } from "./ingest-http.ts";

export interface OpenLoopOptions {
  /** Where to POST (JSON bodies). */
  url: string;
  /** Headers besides Host, Content-Type and Content-Length (e.g. Authorization). */
  headers: Record<string, string>;
  /** The body of request `i` (unique ids are the caller's job). */
  body(i: number): string;
  rate: number;
  seconds: number;
  /** Answers that count as success (default: 200 and 201). */
  ok?: (status: number) => boolean;
  /**
   * Stop sending once this many requests are unanswered (default: two seconds' worth): the server
   * cannot keep up with the rate, and the run says so instead of queueing for minutes.
   */
  maxBacklog?: number;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests per second actually answered over the run. */
  achievedRate: number;
  /** Milliseconds from when a request was due to its full answer. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How late the generator itself sent, at worst (a busy client inflates the latencies). */
  maxSendLagMs: number;
  maxInFlight: number;
  /** True when the backlog limit stopped the run early: the server could not sustain the rate. */
  overloaded: boolean;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Sends `rate` requests per second for `seconds`, open loop, and reports latency percentiles.
 *
 * @example
 * const result = await openLoop({ url, headers, body: (i) => JSON.stringify({ id: `m${i}`, ... }), rate: 1000, seconds: 10 });
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const isOk = options.ok ?? ((status: number) => status === 200 || status === 201);
  const total = Math.round(options.rate * options.seconds);
  const maxBacklog = options.maxBacklog ?? Math.max(100, options.rate * 2);
  let overloaded = false;
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let maxSendLagMs = 0;
  const pending: Promise<void>[] = [];
  const pool = httpPool(options.url, options.headers);
  const fire = (i: number, due: number) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return pool
      .post(options.body(i))
      .then((status) => {
        if (isOk(status)) ok++;
        else failed++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => {
        inFlight--;
        latencies.push(performance.now() - due);
      });
  };
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    if (inFlight > maxBacklog) {
      overloaded = true;
      break;
    }
    while (next < total && start + next * interval <= now) {
      const due = start + next * interval;
      maxSendLagMs = Math.max(maxSendLagMs, now - due);
      pending.push(fire(next, due));
      next++;
    }
    // Timers tick at about 1 ms: send whatever fell due since the last tick (the latency still
    // counts from each request's due time), never spinning in between.
    await Bun.sleep(1);
  }
  // Answers still missing 30 s after the last send count as failed (without a latency).
  await Promise.race([Promise.all(pending), Bun.sleep(30_000)]);
  failed += inFlight;
  pool.close();
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    sent: next,
    ok,
    failed,
    achievedRate: ok / elapsed,
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    maxSendLagMs,
    maxInFlight,
    overloaded,
  };
}

/**
 * The API channel body the benchmarks post (the same shape wrk's script sends): contacts come from a
 * pool of `contactPool` new to this run, so a contact's first message starts a conversation and its
 * later ones join it. Each contact is called "Customer <n>" unless `contactName` names them all;
 * `contactsOf` takes the contacts of an earlier run instead (customers who wrote before).
 */
export function apiMessage(runId: string, i: number, contactPool: number, contactName?: string, contactsOf = runId): string {
  const c = (i * 7919) % contactPool;
  return JSON.stringify({
    id: `${runId}-${i}`,
    contact: { id: `${contactsOf}-c${c}`, name: contactName ?? `Customer ${c}`, email: `c${c}-${contactsOf}@mail.example` },
    text: `Hi, my order #${10_000 + i} has not arrived yet. Can you check where it is?`,
  });
}
