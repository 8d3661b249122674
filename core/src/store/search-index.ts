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
 */
import { sql } from "drizzle-orm";
import { describeError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log/index.ts";
import { noteWork } from "../perf/work.ts";
import type { Queryable, Store, Tx } from "./index.ts";

/** Messages indexed per transaction: a large segment at once, yet a short hold of the writer. */
const CHUNK = 500;
/** How long after a message the background indexing runs: long enough to take many messages at once. */
const DELAY_MS = 250;

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
 * Indexes new messages in the background: DELAY_MS after a message is written (in this process or
 * another), and once at start for what an earlier run left. Returns a function that stops it and
 * waits for a run under way.
 *
 * @example
 * const stopIndexing = startSearchIndexing({ store, bus, log });
 * await stopIndexing();
 */
export function startSearchIndexing(sb: { store: Store; bus: EventBus; log: Logger }): () => Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    timer = undefined;
    running = catchUpMessageSearch(sb.store).catch((error: unknown) =>
      sb.log.warn({ error: describeError(error) }, "cannot add new messages to the search index; retrying with the next message"),
    );
  };
  const schedule = () => {
    timer ??= setTimeout(run, DELAY_MS);
  };
  const unsubscribe = sb.bus.on("message.created", schedule);
  run();
  return async () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = undefined;
    await running;
  };
}
