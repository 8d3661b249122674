/**
 * The durable event log's store access: appending an event inside the transaction of the change it
 * describes, reading events after a position, durable subscribers' cursors, their lag, and pruning.
 * The bus (bus.ts, and its memory of recent events) is the only caller; everything else records and
 * consumes events through the bus.
 */
import { and, asc, gt, gte, inArray, or, sql } from "drizzle-orm";
import type { Queryable, Store, Tx } from "../store/index.ts";
import { lastInsertedRowid, reusableQuery, reusableQueryPerCount } from "../store/reusable.ts";
import { domainEvents, eventCursors } from "../store/schema.ts";
import type { EventEntry, EventName, SwitchboardEvent, SwitchboardEvents } from "./types.ts";

/** Events that describe nothing stored (a customer typing): they go to live subscribers only. */
export const EPHEMERAL_EVENTS: ReadonlySet<EventName> = new Set<EventName>(["typing"]);

/** A subscriber's position and how far behind the log it is (for /metrics). */
export interface SubscriberLag {
  subscriber: string;
  position: number;
  /** Events after `position` this subscriber listens to. */
  behind: number;
  /** Milliseconds since the oldest of those was written (0 when none waits). */
  oldestAgeMs: number;
}

type Names = readonly EventName[] | "*";

const nameFilter = (names: Names) => (names === "*" ? undefined : inArray(domainEvents.name, [...names]));

/** Turns a log row into the event handlers see: its id is the log's sequence number. */
function toEvent(row: typeof domainEvents.$inferSelect): SwitchboardEvent {
  return { id: String(row.seq), seq: row.seq, name: row.name as EventName, data: JSON.parse(row.data), at: row.at };
}

/** The statements every message runs, built once (see store/reusable.ts); the insert once per count of events. */
const insertEvents = reusableQueryPerCount((db, count) =>
  db.insert(domainEvents).values(
    Array.from({ length: count }, (_, i) => ({
      name: sql.placeholder(`name${i}`),
      data: sql.placeholder(`data${i}`),
      at: sql.placeholder("at"),
    })),
  ),
);
const eventsAfter = reusableQuery((db) =>
  db
    .select()
    .from(domainEvents)
    .where(gt(domainEvents.seq, sql.placeholder("position")))
    .orderBy(asc(domainEvents.seq))
    .limit(sql.placeholder("limit")),
);

/**
 * Writes one event inside `tx`; it commits or rolls back with the change it describes.
 *
 * @example
 * const event = await appendEvent(tx, "contact.created", { contactId: 7 }, clock.now());
 */
export async function appendEvent<N extends EventName>(
  tx: Tx,
  name: N,
  data: SwitchboardEvents[N],
  at: number,
): Promise<SwitchboardEvent<N>> {
  const [event] = await appendEvents(tx, [{ name, data } as EventEntry], at);
  return event as SwitchboardEvent<N>;
}

/** The JSON text of each event this process appended, as the log holds its data (see loggedDataOf). */
const loggedData = new WeakMap<SwitchboardEvent, string>();

/**
 * The JSON text an event's data was logged with, when this process appended that event object;
 * undefined for any other (read from the log, or a copy).
 *
 * @example
 * const data = JSON.parse(loggedDataOf(event) ?? JSON.stringify(event.data)); // the log's copy, without writing it again
 */
export const loggedDataOf = (event: SwitchboardEvent): string | undefined => loggedData.get(event);

/**
 * Writes several events inside `tx` in one statement, logged in the order given.
 *
 * @example
 * const [created, stored] = await appendEvents(tx, [{ name: "contact.created", data: { contactId: 7 } }, messageEntry], clock.now());
 */
export async function appendEvents(tx: Tx, entries: readonly EventEntry[], at: number): Promise<SwitchboardEvent[]> {
  if (entries.length === 0) return [];
  const values: Record<string, unknown> = { at };
  const texts = entries.map((entry, i) => {
    const text = JSON.stringify(entry.data);
    values[`name${i}`] = entry.name;
    values[`data${i}`] = text;
    return text;
  });
  // One INSERT's rows take consecutive positions in the order of its VALUES (the log only grows, and
  // nothing else writes while this transaction holds the lock): the last is the statement's last
  // rowid. A RETURNING clause cost SQLite and the client about 5 µs more per message (issue 22).
  const first = lastInsertedRowid(await insertEvents(entries.length)(tx, values), "the appended events") - entries.length + 1;
  return entries.map((entry, i) => {
    const seq = first + i;
    const event: SwitchboardEvent = { id: String(seq), seq, name: entry.name, data: entry.data, at };
    loggedData.set(event, texts[i]!);
    return event;
  });
}

/** Up to `limit` events after `position`, oldest first, of the given names. */
export async function readEvents(db: Queryable, position: number, names: Names, limit: number): Promise<SwitchboardEvent[]> {
  const rows =
    names === "*"
      ? await eventsAfter(db, { position, limit })
      : await db
          .select()
          .from(domainEvents)
          .where(and(gt(domainEvents.seq, position), nameFilter(names)))
          .orderBy(asc(domainEvents.seq))
          .limit(limit);
  return rows.map(toEvent);
}

/** The newest event's position (0 for an empty log). */
export async function lastPosition(db: Queryable): Promise<number> {
  const [row] = await db.select({ seq: sql<number | null>`max(${domainEvents.seq})` }).from(domainEvents);
  return Number(row?.seq ?? 0);
}

/**
 * Creates `subscriber`'s cursor at the end of the log unless it has one: a new subscriber starts
 * with what happens from now on, and an existing one resumes where it stopped.
 */
export async function openCursor(store: Store, subscriber: string, at: number): Promise<number> {
  return store.write(async (tx) => {
    await tx
      .insert(eventCursors)
      .values({ subscriber, position: sql`(SELECT coalesce(max(seq), 0) FROM ${domainEvents})`, updatedAt: at })
      .onConflictDoNothing();
    const [row] = await tx
      .select({ position: eventCursors.position })
      .from(eventCursors)
      .where(sql`${eventCursors.subscriber} = ${subscriber}`);
    return row!.position;
  });
}

/**
 * Records, in one statement, that each subscriber handled every event up to its position (a cursor
 * never moves back).
 *
 * @example
 * await moveCursors(store, new Map([["sla", 42], ["webhooks", 40]]), clock.now());
 */
export async function moveCursors(store: Store, positions: ReadonlyMap<string, number>, at: number): Promise<void> {
  if (positions.size === 0) return;
  const cases = sql.join(
    [...positions].map(([subscriber, position]) => sql`WHEN ${subscriber} THEN ${position}`),
    sql` `,
  );
  await store.write((tx) =>
    tx.run(
      sql`UPDATE ${eventCursors} SET position = max(position, CASE subscriber ${cases} END), updated_at = ${at} WHERE subscriber IN ${[...positions.keys()]}`,
    ),
  );
}

/** How far behind each of `subscribers` is. */
export async function subscriberLag(db: Queryable, subscribers: ReadonlyMap<string, Names>, now: number): Promise<SubscriberLag[]> {
  const cursors = await db.select().from(eventCursors);
  const lags: SubscriberLag[] = [];
  for (const [subscriber, names] of subscribers) {
    const position = cursors.find((c) => c.subscriber === subscriber)?.position ?? 0;
    const [row] = await db
      .select({ behind: sql<number>`count(*)`, oldest: sql<number | null>`min(${domainEvents.at})` })
      .from(domainEvents)
      .where(and(gt(domainEvents.seq, position), nameFilter(names)));
    const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
    lags.push({
      subscriber,
      position,
      behind: Number(row?.behind ?? 0),
      oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
    });
  }
  return lags;
}

/**
 * Deletes events older than `before` that every durable subscriber has handled. Returns how many.
 * The subscribers counted are `active` (this process's) and any other whose cursor moved since
 * `before` (another process's); a cursor that did neither is a subscriber gone for good (a
 * webhook removed from the config) and no longer holds the log back.
 */
export async function pruneEvents(store: Store, before: number, active: readonly string[], batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.write(async (tx) => {
      const [row] = await tx
        .select({ min: sql<number | null>`min(${eventCursors.position})` })
        .from(eventCursors)
        .where(or(inArray(eventCursors.subscriber, [...active, ""]), gte(eventCursors.updatedAt, before)));
      const handled = row?.min === null || row?.min === undefined ? Number.MAX_SAFE_INTEGER : Number(row.min);
      const result = await tx.run(
        sql`DELETE FROM ${domainEvents} WHERE seq IN (SELECT seq FROM ${domainEvents} WHERE seq <= ${handled} AND at < ${before} ORDER BY seq LIMIT ${batch})`,
      );
      return result.rowsAffected;
    });
    total += deleted;
    // Batches keep the single writer free for messages between them.
    if (deleted < batch) return total;
  }
}
