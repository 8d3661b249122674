/**
 * Queries built once. drizzle turns a query builder into SQL text on every call, which costs about
 * 50 µs for a select of a wide table: more than SQLite takes to run it. For the lookups every
 * inbound message makes, `reusableQuery` builds the query the first time (with placeholders for
 * the values) and then runs that prepared query on whichever database or transaction it is given.
 *
 * How: a drizzle prepared query is bound to the session it was prepared on (its libSQL client and,
 * in a transaction, the libSQL transaction). Running it elsewhere uses a copy bound to the given
 * session's client and transaction. store/reusable.test.ts checks this against drizzle's internals,
 * so an upgrade that changes them fails there rather than in production.
 */
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Queryable } from "./index.ts";

interface Prepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** The two fields of drizzle's LibSQLSession and LibSQLPreparedQuery that say where a query runs. */
interface Binding {
  client: unknown;
  tx: unknown;
}

/**
 * Builds a query once, with `sql.placeholder(name)` for its values, and runs it on any database or
 * transaction.
 *
 * @example
 * const byId = reusableQuery((db) => db.select().from(conversations).where(eq(conversations.id, sql.placeholder("id"))));
 * const [row] = await byId(tx, { id: 42 });
 */
export function reusableQuery<R>(
  build: (db: Queryable) => { prepare(): Prepared<R> },
): (db: Queryable, values: Record<string, unknown>) => Promise<R> {
  let prepared: (Prepared<R> & Binding) | undefined;
  return (db, values) => {
    const session = (db as unknown as { session: Binding }).session;
    prepared ??= build(db).prepare() as Prepared<R> & Binding;
    if (prepared.client === session.client && prepared.tx === session.tx) return prepared.execute(values);
    const bound = Object.assign(Object.create(Object.getPrototypeOf(prepared) as object) as Prepared<R> & Binding, prepared, {
      client: session.client,
      tx: session.tx,
    });
    return bound.execute(values);
  };
}

/**
 * As reusableQuery, for a statement whose shape depends on a number of rows (a multi-row insert):
 * built once for each count it is asked for.
 *
 * @example
 * const insertTags = reusableQueryPerCount((db, count) =>
 *   db.insert(tags).values(Array.from({ length: count }, (_, i) => ({ name: sql.placeholder(`name${i}`) }))),
 * );
 * await insertTags(2)(tx, { name0: "vip", name1: "billing" });
 */
export function reusableQueryPerCount<R>(
  build: (db: Queryable, count: number) => { prepare(): Prepared<R> },
): (count: number) => (db: Queryable, values: Record<string, unknown>) => Promise<R> {
  const byCount = new Map<number, (db: Queryable, values: Record<string, unknown>) => Promise<R>>();
  return (count) => {
    let query = byCount.get(count);
    if (!query) {
      query = reusableQuery((db) => build(db, count));
      byCount.set(count, query);
    }
    return query;
  };
}

/**
 * `column IN (ids)` for a reusable query whatever the number of ids: they are bound as one JSON array
 * under the placeholder `name` (a list of `?` would make a new statement for every count).
 *
 * @example
 * const byIds = reusableQuery((db) => db.select().from(contacts).where(inIdList(contacts.id)));
 * await byIds(tx, { ids: JSON.stringify([3, 7]) });
 */
export function inIdList(column: SQLWrapper, name = "ids"): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;
}
