/**
 * The logged events this process announced lately, by position, so the durable subscribers and the
 * live tail take them from memory instead of reading the log again for each wake (issue 22: the log
 * reads were a tenth of a message's statements). Only an unbroken run of positions is served: an
 * event this process did not announce (another process's, the CLI's, one not announced yet) leaves
 * a hole, and the reader goes to the log for it.
 */
import { loggedDataOf } from "./log.ts";
import type { SwitchboardEvent } from "./types.ts";

/** How many announced events are kept (the oldest go first). */
const KEPT = 2_000;

export class RecentEvents {
  readonly #byPosition = new Map<number, SwitchboardEvent>();
  /** The newest position announced here (0 before any). */
  newest = 0;

  /**
   * Keeps a committed, logged event. Its data goes through JSON as the log's copy does, so a
   * subscriber sees the same event whichever way it came (from the text it was logged with, when
   * this process appended it: one JSON.stringify fewer per event, issue 22).
   *
   * @example
   * recent.remember(event); // after the commit that logged it
   */
  remember(event: SwitchboardEvent): void {
    const seq = event.seq!;
    if (this.#byPosition.has(seq)) return;
    this.#byPosition.set(seq, { ...event, data: JSON.parse(loggedDataOf(event) ?? JSON.stringify(event.data)) });
    this.newest = Math.max(this.newest, seq);
    if (this.#byPosition.size > KEPT) this.#byPosition.delete(this.#byPosition.keys().next().value!);
  }

  /**
   * Drops events erased from the log (a GDPR erase): they are not served, and their text leaves memory.
   *
   * @example
   * recent.forget([41, 42]);
   */
  forget(positions: readonly number[]): void {
    for (const seq of positions) this.#byPosition.delete(seq);
  }

  /**
   * The events right after `position`, as long as the positions run on without a hole (at most
   * `limit`); empty when the next position is not here.
   *
   * @example
   * const events = recent.after(cursor, 200);
   */
  after(position: number, limit: number): SwitchboardEvent[] {
    const run: SwitchboardEvent[] = [];
    for (let seq = position + 1; run.length < limit; seq++) {
      const event = this.#byPosition.get(seq);
      if (!event) break;
      run.push(event);
    }
    return run;
  }
}
