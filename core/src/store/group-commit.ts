/**
 * Group commit for the store's single writer: write transactions that queue up while one is
 * running are run together in the next SQLite transaction and committed once. One commit (one
 * fsync) then serves many callers, which is what bounds write throughput on an embedded file.
 * Each caller still sees all-or-nothing for its own function: when one throws, the whole group
 * rolls back and every caller runs again alone, so only that caller gets the error and the others
 * commit (their functions run twice, so they must keep to database work). Callers are answered
 * only after the commit that holds their writes.
 */
import type { Mutex } from "async-mutex";
import { nextTurn, turn } from "../perf/turn.ts";
import { noteWork } from "../perf/work.ts";

/** Runs `fn` in one transaction (`db.transaction` in production). */
type RunTransaction<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Pending<Tx> {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<Tx> {
  transaction: RunTransaction<Tx>;
  /** Held while a group runs; other exclusive work (migrations) takes it too. */
  lock: Mutex;
  /** The most callers one commit serves (default 16), so one group cannot hold the writer for long. */
  maxGroup?: number;
}

/**
 * Creates the store's `write`: every call runs in a transaction serialised with all others,
 * and calls that arrive while the writer is busy share the next commit.
 *
 * @example
 * const write = createGroupWriter({ transaction: (fn) => db.transaction(fn), lock });
 * await write(async (tx) => tx.insert(notes).values({ text: "hi" }));
 */
export function createGroupWriter<Tx>(options: GroupCommitOptions<Tx>): <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> {
  const maxGroup = options.maxGroup ?? 16;
  const queue: Pending<Tx>[] = [];
  let draining = false;

  /** Every caller's function in one transaction; throws (having written nothing) if any of them throws. */
  const runTogether = (group: Pending<Tx>[]): Promise<unknown[]> =>
    options.transaction(async (tx) => {
      const values: unknown[] = [];
      for (const pending of group) {
        // A turn of the event loop between callers too: a group of 16 new-customer transactions run
        // back to back was one stall of hundreds of milliseconds on a loaded machine (issue 22); now
        // timers and sockets get in between. Nothing commits until the whole group has run.
        if (values.length > 0) await turn();
        values.push(await pending.fn(tx));
      }
      return values;
    });

  /** One caller alone in its own transaction, answered with its own result or error. */
  const runAlone = (pending: Pending<Tx>): Promise<void> => options.transaction(pending.fn).then(pending.resolve, pending.reject);

  const drain = async () => {
    while (queue.length > 0) {
      const group = queue.splice(0, maxGroup);
      noteWork("store.group_commits");
      noteWork("store.group_commit_callers", group.length);
      await options.lock.runExclusive(async () => {
        if (group.length === 1) return runAlone(group[0]!);
        let values: unknown[];
        try {
          values = await runTogether(group);
        } catch {
          // Someone's function threw (or the commit failed), so nothing of the group was written:
          // each caller runs again alone and gets its own answer rather than someone else's error.
          for (const pending of group) await runAlone(pending);
          return;
        }
        group.forEach((pending, i) => pending.resolve(values[i]));
      });
      // A turn of the event loop before the next group: the native client answers synchronously, so
      // without it groups refilled by their own callers' continuations ran back to back in microtasks
      // and held the thread for seconds under load (timers and sockets waited; issue 22).
      await turn();
    }
    draining = false;
  };

  return <T>(fn: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn: fn as (tx: Tx) => Promise<unknown>, resolve: resolve as (value: unknown) => void, reject });
      if (draining) return;
      draining = true;
      // Start on the next turn of the event loop, not now: requests whose sockets were readable in
      // this turn reach their write first and join the group. (The native client commits
      // synchronously, so while one commit waits for the disk no other request can get in line; without
      // this pause a loaded server commits once per request.)
      nextTurn(() => void drain());
    });
}
