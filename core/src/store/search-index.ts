/**
 * The full-text index of messages (messages_fts), filled after the messages' own writes, in
 * batches. Indexed inside each message's transaction, FTS5 wrote a new index segment with every
 * group commit: a tenth of the server's CPU under ingest, on the path to the acknowledgement (issue
 * 22). Now `search_progress.indexed_upto` says how far the index goes (message ids are handed out
 * in commit order: one writer at a time), the delete and edit triggers touch only indexed rows
 * (migration 0017), and the messages after it are indexed:
 * - a moment after they are written (`startSearchIndexing`, in the background);
 * - before any search reads the index (`catchUpMessageSearch`, which store/search.ts's
 *   messageSearchMatch runs), so a search finds every message committed before it.
 *
 * The background run also merges the index segments of messages and contacts, in short steps with a
 * turn of the event loop between them (`mergeSearchIndexes`). FTS5 would do that inside the writes
 * (its `automerge`, off since migration 0019), where one go of up to hundreds of pages held the
 * thread 15-36 ms every few thousand messages on a 1M-message index, and up to 48 ms inside a new
 * contact's transaction on a 1M-contact one (issue 22). A step stops at the first word after 32
 * pages, so only one very common word's list holds it longer.
 */
import { sql } from "drizzle-orm";
import { describeError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log/index.ts";
import { turn } from "../perf/turn.ts";
import { noteWork } from "../perf/work.ts";
import type { Queryable, Store, Tx } from "./index.ts";

/** Messages indexed per transaction: a large segment at once, yet a short hold of the writer. */
const CHUNK = 500;
/** How long after a message the background indexing runs: long enough to take many messages at once. */
const DELAY_MS = 250;
/**
 * Merge steps per background run: under a steady stream of new contacts the merging may never run
 * out of work, and the next run's indexing waits for this one.
 */
const MERGE_STEPS_PER_RUN = 100;

/**
 * Indexes up to `limit` messages after the index's end, inside `tx`. Returns how many.
 *
 * @example
 * const indexed = await store.write((tx) => indexPendingMessages(tx));
 */
export async function indexPendingMessages(tx: Tx, limit = CHUNK): Promise<number> {
  const [progress] = await tx.all<{ upto: number }>(sql`SELECT indexed_upto AS upto FROM search_progress WHERE name = 'messages'`);
  const from = Number(progress?.upto ?? 0);
  const [last] = await tx.all<{ upto: number | null }>(
    sql`SELECT max(id) AS upto FROM (SELECT id FROM messages WHERE id > ${from} ORDER BY id LIMIT ${limit})`,
  );
  if (last?.upto === null || last?.upto === undefined) return 0;
  const upto = Number(last.upto);
  const inserted = await tx.run(
    sql`INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages WHERE id > ${from} AND id <= ${upto}`,
  );
  await tx.run(sql`UPDATE search_progress SET indexed_upto = ${upto} WHERE name = 'messages'`);
  // A stall the loop-delay sampler logs then says how many messages were indexed during it (perf/work.ts).
  noteWork("search.indexed_messages", inserted.rowsAffected);
  return inserted.rowsAffected;
}

/** The full-text tables over contacts and messages (migrations 0001 and 0005), whose merging runs in steps here. */
export const CONTACT_AND_MESSAGE_FTS_TABLES = ["messages_fts", "contacts_fts"] as const;

/** Pages a merge step writes before it stops at the next word: 1-5 ms a step, at most about 30 on a 1M-row index. */
const MERGE_PAGES = 32;

/**
 * Runs one step of merging `table`'s index segments inside `tx` (FTS5's 'merge' command, which
 * merges a level's segments once it holds 4). Returns whether it merged anything: false once the
 * segments are merged as far as FTS5's own merging would take them.
 *
 * @example
 * while (await store.write((tx) => mergeSearchIndexStep(tx, "messages_fts"))) await turn();
 */
export async function mergeSearchIndexStep(tx: Tx, table: (typeof CONTACT_AND_MESSAGE_FTS_TABLES)[number]): Promise<boolean> {
  const changes = async () => Number((await tx.all<{ n: number }>(sql`SELECT total_changes() AS n`))[0]?.n ?? 0);
  const before = await changes();
  await tx.run(sql.raw(`INSERT INTO ${table}(${table}, rank) VALUES ('merge', ${MERGE_PAGES})`));
  // FTS5's documented test: the connection's total changes grow by 2 or more when the command merged.
  return (await changes()) - before >= 2;
}

/**
 * Merges the contacts' and messages' index segments as far as FTS5 would, one step (one write
 * transaction) at a time with a turn of the event loop after each: at most `maxSteps` steps, and
 * none once `keepGoing()` turns false. Returns the steps that merged; `maxSteps` of them means
 * there may be more to do.
 *
 * @example
 * await mergeSearchIndexes(sb.store);
 * const steps = await mergeSearchIndexes(sb.store, { maxSteps: 100, keepGoing: () => !stopping });
 */
export async function mergeSearchIndexes(
  store: Store,
  { maxSteps = Number.POSITIVE_INFINITY, keepGoing = () => true }: { maxSteps?: number; keepGoing?: () => boolean } = {},
): Promise<number> {
  let steps = 0;
  for (const table of CONTACT_AND_MESSAGE_FTS_TABLES) {
    while (steps < maxSteps && keepGoing() && (await store.write((tx) => mergeSearchIndexStep(tx, table)))) {
      steps++;
      noteWork("search.merge_steps");
      await turn();
    }
  }
  return steps;
}

/** Whether messages wait to be indexed (one indexed lookup). */
async function pending(db: Queryable): Promise<boolean> {
  const [row] = await db.all<{ waiting: number }>(
    sql`SELECT EXISTS (SELECT 1 FROM messages WHERE id > (SELECT indexed_upto FROM search_progress WHERE name = 'messages')) AS waiting`,
  );
  return Number(row?.waiting ?? 0) === 1;
}

/** Each store's latest catch-up: a new one starts after it, so none reads the index half-filled. */
const latest = new WeakMap<Store, Promise<number>>();

/**
 * Indexes every message committed so far that the index does not hold yet (in chunks of CHUNK,
 * each its own transaction). Returns how many. messageSearchMatch runs it; anything else that
 * reads messages_fts should too.
 *
 * @example
 * await catchUpMessageSearch(sb.store);
 * const held = await sb.store.db.all(sql`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'refund'`);
 */
export function catchUpMessageSearch(store: Store): Promise<number> {
  const run = async () => {
    let total = 0;
    while (await pending(store.db)) total += await store.write((tx) => indexPendingMessages(tx));
    return total;
  };
  const next = (latest.get(store) ?? Promise.resolve(0)).then(run, run);
  latest.set(store, next);
  return next;
}

/**
 * Indexes new messages in the background, then merges the contacts' and messages' index segments
 * (`mergeSearchIndexes`): DELAY_MS after a message or a contact is written (in this process or
 * another), and once at start for what an earlier run left. One run at a time. Returns a function
 * that stops it and waits for a run under way, which ends after its current step.
 *
 * @example
 * const stopIndexing = startSearchIndexing({ store, bus, log });
 * await stopIndexing();
 */
export function startSearchIndexing(sb: { store: Store; bus: EventBus; log: Logger }): () => Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const indexAndMerge = async () => {
    await catchUpMessageSearch(sb.store);
    const steps = await mergeSearchIndexes(sb.store, { maxSteps: MERGE_STEPS_PER_RUN, keepGoing: () => !stopped });
    if (steps === MERGE_STEPS_PER_RUN && !stopped) schedule();
  };
  const run = () => {
    timer = undefined;
    running = running
      .then(indexAndMerge)
      .catch((error: unknown) =>
        sb.log.warn(
          { error: describeError(error) },
          "cannot add new messages to the search index or merge it; retrying with the next message",
        ),
      );
  };
  const schedule = () => {
    timer ??= setTimeout(run, DELAY_MS);
  };
  const unsubscribes = [sb.bus.on("message.created", schedule), sb.bus.on("contact.created", schedule)];
  run();
  return async () => {
    stopped = true;
    for (const unsubscribe of unsubscribes) unsubscribe();
    if (timer) clearTimeout(timer);
    timer = undefined;
    await running;
  };
}
