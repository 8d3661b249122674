/**
 * In-memory token buckets, one per key (a visitor or an IP). Each holds up to `burst` tokens and
 * refills continuously. The state lives in this process only: the cluster's Redis limit (redis.ts)
 * counts across processes, and falls back to these while Redis is down.
 */
import type { Take } from "./types.ts";

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets are dropped once full again; sweeping starts when this many are kept. */
const SWEEP_AT = 10_000;

/**
 * A rate limiter with a bucket per key: `perMinute` on average, with bursts of up to `burst`
 * (default: a whole minute's worth). `new RateLimiter(30, 1)` is "once every 2 s".
 *
 * @example
 * const perIp = new RateLimiter(600);
 * const take = perIp.take("203.0.113.9");
 * if (!take.ok) return tooMany(take.retryAfterMs);
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(perMinute: number, burst = perMinute) {
    this.#capacity = burst;
    this.#perMs = perMinute / 60_000;
  }

  /** Takes one token for `key` at `now`. */
  take(key: string, now = Date.now()): Take {
    const bucket = this.#refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.#perMs) };
  }

  #refilled(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= SWEEP_AT) this.#sweep(now);
      bucket = { tokens: this.#capacity, at: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    return bucket;
  }

  /** Forgets the buckets that have refilled completely (they behave like new ones). */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
    }
  }
}
