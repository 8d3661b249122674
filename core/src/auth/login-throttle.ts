/**
 * Throttles password guessing without letting anyone lock an agent out: failed sign-ins are counted
 * per (email, IP address) over a sliding 15-minute window, so a guesser slows down only themselves
 * and the right password from anywhere else still works. One address is also capped across all
 * emails (10 times the limit), which stops it spraying guesses (and argon2id work) over many
 * accounts. A success clears its own (email, IP) count. The failures are kept in the cluster's
 * event window: in memory with one process, in Redis (shared by every process) with `[cluster]`.
 */
import type { Clock } from "../clock.ts";
import type { Cluster, EventWindow } from "../cluster/index.ts";
import { sha256Hex } from "./secrets.ts";

export const LOGIN_WINDOW_MS = 15 * 60_000;
/** How many times the per-(email, IP) limit one address may fail across all emails. */
export const IP_LIMIT_FACTOR = 10;

/** Why and how long a sign-in must wait. */
export interface LoginWait {
  ms: number;
  /** "account": this address failed too often for this email; "address": for all emails together. */
  scope: "account" | "address";
}

/** The key of one (email, IP) pair: hashed, so Redis holds no email address and keys stay short. */
async function pairKey(email: string, ip: string): Promise<string> {
  return `pair:${await sha256Hex(`${ip}\n${email}`)}`;
}

/**
 * @example
 * const throttle = new LoginThrottle(10, clock, cluster);
 * const wait = await throttle.wait(email, ip); // undefined: may try now
 * if (!passwordOk) await throttle.fail(email, ip);
 */
export class LoginThrottle {
  readonly #failures: EventWindow;
  readonly #limit: number;
  readonly #clock: Clock;

  constructor(limit: number, clock: Clock, cluster: Pick<Cluster, "eventWindow">) {
    this.#limit = limit;
    this.#clock = clock;
    this.#failures = cluster.eventWindow("login-failures", LOGIN_WINDOW_MS);
  }

  /** Milliseconds until the limit-th last failure leaves the window, or 0 when under the limit. */
  async #waitMs(key: string, limit: number): Promise<number> {
    const now = this.#clock.now();
    const times = await this.#failures.times(key, now);
    return times.length < limit ? 0 : times[times.length - limit]! + LOGIN_WINDOW_MS - now;
  }

  /** How long this email from this IP must wait, or undefined when it may try now. */
  async wait(email: string, ip: string): Promise<LoginWait | undefined> {
    const address = await this.#waitMs(`ip:${ip}`, this.#limit * IP_LIMIT_FACTOR);
    if (address > 0) return { ms: address, scope: "address" };
    const account = await this.#waitMs(await pairKey(email, ip), this.#limit);
    return account > 0 ? { ms: account, scope: "account" } : undefined;
  }

  async fail(email: string, ip: string): Promise<void> {
    const now = this.#clock.now();
    await Promise.all([this.#failures.add(`ip:${ip}`, now), this.#failures.add(await pairKey(email, ip), now)]);
  }

  async succeed(email: string, ip: string): Promise<void> {
    await this.#failures.clear(await pairKey(email, ip));
  }
}
