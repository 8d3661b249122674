/**
 * Throttles password guessing: failed sign-ins are counted per email and per IP address over a
 * sliding 15-minute window; past the limit, sign-in is refused until old failures age out. A
 * success clears the email's count. Kept in memory: one process holds the inbox's logins.
 */
import type { Clock } from "../clock.ts";

export const LOGIN_WINDOW_MS = 15 * 60_000;

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #clock: Clock;

  constructor(limit: number, clock: Clock) {
    this.#limit = limit;
    this.#clock = clock;
  }

  #recent(key: string): number[] {
    const since = this.#clock.now() - LOGIN_WINDOW_MS;
    const times = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (times.length > 0) this.#failures.set(key, times);
    else this.#failures.delete(key);
    return times;
  }

  /** Milliseconds until this email and IP may try again, or 0 when they may try now. */
  retryAfterMs(email: string, ip: string): number {
    const blocked = [`email:${email}`, `ip:${ip}`].map((key) => this.#recent(key)).filter((times) => times.length >= this.#limit);
    if (blocked.length === 0) return 0;
    return Math.max(...blocked.map((times) => times[times.length - this.#limit]! + LOGIN_WINDOW_MS - this.#clock.now()));
  }

  fail(email: string, ip: string): void {
    for (const key of [`email:${email}`, `ip:${ip}`]) this.#failures.set(key, [...this.#recent(key), this.#clock.now()]);
  }

  succeed(email: string): void {
    this.#failures.delete(`email:${email}`);
  }
}
