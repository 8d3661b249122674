/**
 * The plugin API: durable storage a plugin is given, key-value (`ctx.kv`, `inbox.kv`) and jobs (`ctx.jobs`).
 */

/**
 * Namespaced key-value storage, kept in the database.
 *
 * @example
 * await ctx.kv.set("cursor", { offset: 42 });
 * const cursor = await ctx.kv.get<{ offset: number }>("cursor");
 */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** `ttlMs` makes the value expire. */
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  /**
   * Sets many keys in one transaction (all or none), much faster than one `set` each. Core's
   * `ctx.kv` always has it; it is optional so that other implementations (test doubles) still fit.
   *
   * @example
   * await ctx.kv.setMany?.([{ key: "pairs:7", value: pairs7 }, { key: "pairs:8", value: pairs8 }]);
   */
  setMany?(entries: { key: string; value: unknown }[], options?: { ttlMs?: number }): Promise<void>;
  /**
   * Sets `key` only when it holds no value (or an expired one), atomically in the database: of
   * several calls for one key, from any Switchboard process, exactly one resolves true. For
   * numbering or claiming something across processes. Core's `ctx.kv` always has it (1.1).
   *
   * @example
   * let seq = last + 1;
   * while (!(await ctx.kv.add?.(`entry:${seq}`, entry))) seq++;
   */
  add?(key: string, value: unknown, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;
  list(prefix?: string): Promise<{ key: string; value: unknown }[]>;
}

import type { ScheduleOptions } from "../../jobs/schedule-options.ts";

export type { ScheduleOptions };

/**
 * Durable timers: they survive restarts, run once (claimed atomically) and retry with backoff.
 * Kinds and keys are the plugin's own: another plugin's (or core's) job with the same key is a
 * different job.
 *
 * @example
 * ctx.jobs.define("follow-up", async (payload: { conversationId: number }) => { ... });
 * await ctx.jobs.schedule("follow-up", { conversationId: 7 }, { delayMs: 86_400_000, key: "follow-up:7" });
 */
export interface JobScheduler {
  define<P>(kind: string, handler: (payload: P, job: { id: number; attempt: number }) => Promise<void> | void): void;
  schedule<P>(kind: string, payload: P, options?: ScheduleOptions): Promise<number>;
  cancel(key: string): Promise<boolean>;
}
