/**
 * Group commit for the store's single writer: write transactions that queue up while one is
 * running are run together in the next SQLite transaction and committed once. One commit (one
 * fsync) then serves many callers, which is what bounds write throughput on an embedded file.
 * Each caller still sees all-or-nothing for its own function: when one throws, the group runs
 * again with a savepoint per function, so only that caller gets the error and the others commit
 * (their functions run twice, so they must keep to database work). Callers are answered only
 * after the commit that holds their writes.
 */
import { Mutex } from "async-mutex";

/** Runs `fn` in one transaction (`db.transaction` in production). */
type RunTransaction<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
/** Runs `fn` in a savepoint of an open transaction (drizzle's nested `tx.transaction`). */
type RunSavepoint<Tx> = <T>(tx: Tx, fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Pending<Tx> {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The real setImmediate, taken when this module loads: a test that installs fake timers later
 * (vi.useFakeTimers) must not leave every write waiting for a turn that never comes.
 */
const nextTurn: (fn: () => void) => unknown = globalThis.setImmediate;

export interface GroupCommitOptions<Tx> {
  transaction: RunTransaction<Tx>;
  savepoint: RunSavepoint<Tx>;
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
 * const write = createGroupWriter({ transaction: (fn) => db.transaction(fn), savepoint: (tx, fn) => tx.transaction(fn), lock });
 * await write(async (tx) => tx.insert(notes).values({ text: "hi" }));
 */
export function createGroupWriter<Tx>(options: GroupCommitOptions<Tx>): <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> {
  const maxGroup = options.maxGroup ?? 16;
  const queue: Pending<Tx>[] = [];
  let draining = false;

  /** Runs a group of two or more in one transaction; resolves with each one's outcome after the commit. */
  const runGroup = (group: Pending<Tx>[]): Promise<Outcome[]> =>
    options.transaction(async (tx) => {
      const outcomes: Outcome[] = [];
      for (const pending of group) {
        try {
          outcomes.push({ ok: true, value: await options.savepoint(tx, pending.fn) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    });

  /**
   * The common case first: every caller's function straight in one transaction, no savepoints
   * (a savepoint's release costs about as much as a small insert). Throws if any of them throws,
   * and then nothing of the group was written.
   */
  const runTogether = (group: Pending<Tx>[]): Promise<Outcome[]> =>
    options.transaction(async (tx) => {
      const outcomes: Outcome[] = [];
      for (const pending of group) outcomes.push({ ok: true, value: await pending.fn(tx) });
      return outcomes;
    });

  /** One caller alone in its own transaction (no savepoint needed). */
  const runAlone = (pending: Pending<Tx>): Promise<Outcome> =>
    options.transaction(pending.fn).then(
      (value): Outcome => ({ ok: true, value }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );

  const settle = (pending: Pending<Tx>, outcome: Outcome) => (outcome.ok ? pending.resolve(outcome.value) : pending.reject(outcome.error));

  const drain = async () => {
    while (queue.length > 0) {
      const group = queue.splice(0, maxGroup);
      await options.lock.runExclusive(async () => {
        if (group.length === 1) return settle(group[0]!, await runAlone(group[0]!));
        let outcomes: Outcome[];
        try {
          outcomes = await runTogether(group);
        } catch {
          // Someone's function threw, so the whole group rolled back: run it again with a savepoint
          // each, so that only that caller gets the error and the others commit.
          try {
            outcomes = await runGroup(group);
          } catch {
            // The shared transaction failed as a whole (its commit, or an error SQLite does not
            // contain in a savepoint): nothing of it was written, so each caller runs again alone
            // and gets its own answer rather than someone else's error.
            for (const pending of group) settle(pending, await runAlone(pending));
            return;
          }
        }
        group.forEach((pending, i) => settle(pending, outcomes[i]!));
      });
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
