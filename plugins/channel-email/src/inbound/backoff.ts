/**
 * Exponential backoff with jitter for reconnecting: each failure doubles the ceiling (from
 * `initialMs` up to `maxMs`), the wait is a random point in the upper half of it ("equal jitter",
 * so many inboxes that lost the same server do not come back in step), and a success resets it.
 */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A number in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * Counts failures in a row and says how long to wait before the next try.
 *
 * @example
 * const backoff = new Backoff({ initialMs: 1_000, maxMs: 300_000 });
 * backoff.next(); // 500..1000
 * backoff.next(); // 1000..2000
 * backoff.reset(); // after a success
 */
export class Backoff {
  readonly #options: Required<BackoffOptions>;
  #failures = 0;

  constructor(options: BackoffOptions) {
    this.#options = { random: Math.random, ...options };
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns the wait before the next try, in ms. */
  next(): number {
    const { initialMs, maxMs, random } = this.#options;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  reset(): void {
    this.#failures = 0;
  }
}
