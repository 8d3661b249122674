/**
 * Throttles password guessing without letting anyone lock an agent out: failed sign-ins are counted
 * per (email, IP address) over a sliding 15-minute window, so a guesser slows down only themselves
 * and the right password from anywhere else still works. One address is also capped across all
 * emails (10 times the limit), which stops it spraying guesses (and argon2id work) over many
 * accounts. A success clears its own (email, IP) count. Kept in memory: one process holds the
 * inbox's logins.
 */
import type { Clock } from "../clock.ts";

export const LOGIN_WINDOW_MS = 15 * 60_000;
/** How many times the per-(email, IP) limit one address may fail across all emails. */
export const IP_LIMIT_FACTOR = 10;
/** Past this many tracked keys, expired ones are swept on the next failure. */
const SWEEP_AT = 10_000;

/** Why and how long a sign-in must wait. */
export interface LoginWait {
  ms: number;
  /** "account": this address failed too often for this email; "address": for all emails together. */
  scope: "account" | "address";
}

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

  /** Milliseconds until the limit-th last failure leaves the window, or 0 when under the limit. */
  #waitMs(key: string, limit: number): number {
    const times = this.#recent(key);
    return times.length < limit ? 0 : times[times.length - limit]! + LOGIN_WINDOW_MS - this.#clock.now();
  }

  /** How long this email from this IP must wait, or undefined when it may try now. */
  wait(email: string, ip: string): LoginWait | undefined {
    const address = this.#waitMs(`ip:${ip}`, this.#limit * IP_LIMIT_FACTOR);
    if (address > 0) return { ms: address, scope: "address" };
    const account = this.#waitMs(`pair:${ip}\n${email}`, this.#limit);
    return account > 0 ? { ms: account, scope: "account" } : undefined;
  }

  fail(email: string, ip: string): void {
    if (this.#failures.size > SWEEP_AT) for (const key of [...this.#failures.keys()]) this.#recent(key);
    for (const key of [`ip:${ip}`, `pair:${ip}\n${email}`]) this.#failures.set(key, [...this.#recent(key), this.#clock.now()]);
  }

  succeed(email: string, ip: string): void {
    this.#failures.delete(`pair:${ip}\n${email}`);
  }
}
