/**
 * When and how a durable job runs: the options of `jobs.schedule` (core's queue and `ctx.jobs`).
 */

/**
 * @example
 * await ctx.jobs.schedule("follow-up", { conversationId: 7 }, { delayMs: 86_400_000, key: "follow-up:7" });
 */
export interface ScheduleOptions {
  /** When to run (ms since epoch). Default: now. */
  at?: number;
  /** Or: how long from now. */
  delayMs?: number;
  /** A unique key: scheduling the same key again replaces the pending job. */
  key?: string;
  maxAttempts?: number;
}
