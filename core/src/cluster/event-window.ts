/**
 * Recent events per key over a sliding window (failed sign-ins): each event's time is kept until it
 * leaves the window. In one process the times live in memory (`LocalEventWindow`); with Redis, in a
 * sorted set per key shared by every process (`redisEventWindow`), which falls back to this
 * process's own memory while Redis does not answer. Times come from the caller's clock, so a test's
 * manual clock moves the window, and processes whose clocks agree to a second count alike.
 */
import type { Redis } from "ioredis";
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import type { EventWindow } from "./types.ts";

/** Past this many tracked keys, expired ones are swept on the next `add`. */
const SWEEP_AT = 10_000;

/** The window in this process's memory. */
export class LocalEventWindow implements EventWindow {
  readonly #times = new Map<string, number[]>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  async add(key: string, now: number): Promise<void> {
    if (this.#times.size > SWEEP_AT) for (const other of [...this.#times.keys()]) this.#recent(other, now);
    this.#times.set(key, [...this.#recent(key, now), now]);
  }

  async times(key: string, now: number): Promise<number[]> {
    return this.#recent(key, now);
  }

  async clear(key: string): Promise<void> {
    this.#times.delete(key);
  }

  #recent(key: string, now: number): number[] {
    const since = now - this.#windowMs;
    const times = (this.#times.get(key) ?? []).filter((t) => t > since);
    if (times.length > 0) this.#times.set(key, times);
    else this.#times.delete(key);
    return times;
  }
}

let unique = 0;

/**
 * The window in Redis: one sorted set per key (score: the event's time), trimmed to the window and
 * expiring with it.
 *
 * @example
 * const failures = redisEventWindow(redis, "switchboard:window:login-failures:", 900_000, log);
 */
export function redisEventWindow(redis: Redis, prefix: string, windowMs: number, log: Logger): EventWindow {
  const local = new LocalEventWindow(windowMs);
  /** Runs `command` on Redis, or `fallback` on this process's memory while Redis does not answer. */
  const either = async <T>(command: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (redis.status !== "ready") return fallback();
    try {
      return await command();
    } catch (error) {
      log.debug({ window: prefix, error: describeError(error) }, "event window counted in this process: Redis does not answer");
      return fallback();
    }
  };
  return {
    add: (key, now) =>
      either(
        async () => {
          const answers = await redis
            .multi()
            .zremrangebyscore(prefix + key, "-inf", now - windowMs)
            .zadd(prefix + key, now, `${now}:${process.pid}:${++unique}`)
            .pexpire(prefix + key, windowMs)
            .exec();
          const failed = answers?.find(([error]) => error)?.[0];
          if (failed) throw failed;
        },
        () => local.add(key, now),
      ),
    times: (key, now) =>
      either(
        async () =>
          (await redis.zrangebyscore(prefix + key, `(${now - windowMs}`, "+inf", "WITHSCORES")).filter((_, i) => i % 2 === 1).map(Number),
        () => local.times(key, now),
      ),
    clear: (key) =>
      either(
        async () => {
          await redis.del(prefix + key);
        },
        () => local.clear(key),
      ),
  };
}
