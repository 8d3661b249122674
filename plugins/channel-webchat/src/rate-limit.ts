/**
 * Open live connections per key (a visitor or an IP), with a ceiling. A connection is held by the
 * process that accepted it, so this count is per process by nature: with several Switchboard
 * processes a visitor may hold up to the ceiling on each. The request and message rate limits, which
 * must hold across processes, are the cluster's (`ctx.cluster.rateLimit`, see inbox.ts).
 */

/**
 * Counts open connections per key, with a ceiling.
 *
 * @example
 * const streams = new ConnectionCounter(5);
 * const release = streams.acquire("visitor-1");
 * if (!release) return tooMany();
 * stream.onClose(release);
 */
export class ConnectionCounter {
  readonly #open = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Counts one more connection for `key`; returns its release function, or undefined at the ceiling. */
  acquire(key: string): (() => void) | undefined {
    const open = this.#open.get(key) ?? 0;
    if (open >= this.#max) return undefined;
    this.#open.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left <= 0) this.#open.delete(key);
      else this.#open.set(key, left);
    };
  }
}
