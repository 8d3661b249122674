/**
 * Turns of the event loop for long work on the one JavaScript thread. `turn()` waits for the next
 * turn; a `Slicer` waits for one only once its slice of time is spent, so a long computation lets
 * timers and sockets in every few milliseconds (issue 22's stall target is 20 ms) without paying a
 * turn per step. `sleep` waits a while. All use the real timers, taken when this module loads: a
 * test that installs fake timers later (vi.useFakeTimers) must not leave the work waiting for a turn
 * or a timer that never comes.
 */

/** The real setImmediate (see the header). */
export const nextTurn: (fn: () => void) => unknown = globalThis.setImmediate;
/** The real setTimeout and clearTimeout (see the header), for a wait that may be cut short. */
export const realSetTimeout = globalThis.setTimeout;
export const realClearTimeout = globalThis.clearTimeout;

/**
 * Work on the thread between two turns of the event loop, for work that gives turns as it goes
 * (a Slicer's slice): issue 22's stall target is 20 ms, and a slice of 4 ms leaves room for the
 * work of the turns between.
 */
export const SLICE_MS = 4;

/**
 * Resolves after `ms` milliseconds, on the real setTimeout (see the header).
 *
 * @example
 * await sleep(50);
 */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/**
 * Resolves on the event loop's next turn, after the timers and sockets that are ready.
 *
 * @example
 * for (const batch of batches) {
 *   work(batch);
 *   await turn();
 * }
 */
export const turn = (): Promise<void> => new Promise<void>((resolve) => nextTurn(resolve));

/**
 * Gives the event loop a turn once `sliceMs` of work has gone since the last one (or since it was
 * made); `pause()` returns at once otherwise. Infinity never yields (work inside a transaction that
 * must not wait).
 *
 * @example
 * const slicer = new Slicer(4);
 * for (const row of rows) {
 *   measure(row);
 *   await slicer.pause();
 * }
 */
export class Slicer {
  readonly #made = performance.now();
  #since = this.#made;
  /** Time spent waiting for turns (other work's, not this one's). */
  #waited = 0;
  constructor(readonly sliceMs: number) {}

  /** Waits for the next turn if this slice is spent. */
  async pause(): Promise<void> {
    const now = performance.now();
    if (now - this.#since < this.sliceMs) return;
    await turn();
    this.#since = performance.now();
    this.#waited += this.#since - now;
  }

  /** The time since it was made, less the turns it waited for: this work's own time on the thread, about. */
  busyMs(): number {
    return performance.now() - this.#made - this.#waited;
  }
}
