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
 *
 * Running a prepared query, drizzle still fills its placeholders and maps every row through generic
 * code (a type check per column per row, a copy of each row): about a sixth of the server's thread
 * under ingest (issue 22). For a flat select, an insert with RETURNING or a statement without rows,
 * the run is planned once here instead (`planOf`): the placeholders' positions and each column's
 * decoder, the same decoders drizzle applies. Anything else (nested or joined results) runs through
 * drizzle as before.
 */
import { Column, DrizzleQueryError, is, Param, Placeholder, SQL, type SQLWrapper, sql } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { VALUE_ROWS } from "./embedded-client.ts";
import type { Queryable } from "./index.ts";

interface Prepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** The two fields of drizzle's LibSQLSession and LibSQLPreparedQuery that say where a query runs. */
interface Binding {
  client: unknown;
  tx: unknown;
}

type Values = Record<string, unknown>;
type Executor = { execute(stmt: { sql: string; args: unknown[]; [VALUE_ROWS]?: true }): Promise<{ rows: ArrayLike<unknown>[] }> };
type Decoder = { mapFromDriverValue(value: unknown): unknown };

/** What drizzle's LibSQLPreparedQuery holds (its internals; store/reusable.test.ts checks them). */
interface PreparedInternals {
  query: { sql: string; params: unknown[] };
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
  executeMethod: string;
}

/** A prepared query's run, planned once: its SQL, how to fill its arguments, how to map its rows (none for a run). */
interface Plan {
  sql: string;
  args: (values: Values) => unknown[];
  /** Each column's key and decoder, for a flat result; undefined for a statement answered with its result set (`run`). */
  columns?: { key: string; decoder: Decoder }[];
}

/** A placeholder's value, as drizzle's fillPlaceholders gives it. */
function placeholderValue(values: Values, name: string): unknown {
  if (!(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
  return values[name];
}

/** The argument getter for one of a query's parameters (a placeholder, an encoded placeholder, or a constant). */
function argumentOf(param: unknown): (values: Values) => unknown {
  if (is(param, Placeholder)) return (values) => placeholderValue(values, param.name);
  if (is(param, Param) && is(param.value, Placeholder)) {
    const { encoder, value } = param;
    return (values) => encoder.mapToDriverValue(placeholderValue(values, value.name));
  }
  return () => param;
}

/** The decoder drizzle's mapResultRow uses for a selected field; undefined where this plan does not apply. */
function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field;
  // An SQL field's decoder is internal to drizzle (sql`...`.mapWith() sets it).
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  if (is(field, SQL.Aliased)) return (field.sql as unknown as { decoder: Decoder }).decoder;
  return undefined;
}

/**
 * Plans a prepared query's run without drizzle's per-call work, or returns undefined when it cannot
 * (a relational query's own mapper, nested or joined results, a method other than all and run).
 */
function planOf(prepared: PreparedInternals): Plan | undefined {
  if (prepared.customResultMapper || !prepared.query) return undefined;
  const getters = prepared.query.params.map(argumentOf);
  const plan = { sql: prepared.query.sql, args: (values: Values) => getters.map((get) => get(values)) };
  if (prepared.executeMethod === "run") return plan;
  if (prepared.executeMethod !== "all" || !prepared.fields) return undefined;
  const columns: { key: string; decoder: Decoder }[] = [];
  for (const { path, field } of prepared.fields) {
    const decoder = decoderOf(field);
    if (path.length !== 1 || !decoder) return undefined;
    columns.push({ key: path[0]!, decoder });
  }
  return { ...plan, columns };
}

/** A column's value as drizzle's libSQL session hands it to the decoder (a blob as a Buffer). */
function normalised(value: unknown): unknown {
  return value instanceof ArrayBuffer ? Buffer.from(value) : value;
}

/** Where a session's statements run: its transaction, else its client. */
const executorOf = (session: Binding) => (session.tx ?? session.client) as Executor;

/** Runs a planned query on the session's transaction or client, with drizzle's error for a failure. */
async function runPlan(plan: Plan, session: Binding, values: Values): Promise<unknown> {
  const args = plan.args(values);
  const executor = executorOf(session);
  let result: Awaited<ReturnType<Executor["execute"]>>;
  const { columns } = plan;
  try {
    // Rows as bare arrays of values from the embedded client: they are read by position here anyway.
    result = await executor.execute(columns ? { sql: plan.sql, args, [VALUE_ROWS]: true } : { sql: plan.sql, args });
  } catch (error) {
    throw new DrizzleQueryError(plan.sql, args as unknown[], error as Error);
  }
  if (!columns) return result;
  return result.rows.map((row) => {
    const mapped: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const raw = row[i];
      mapped[columns[i]!.key] = raw === null ? null : columns[i]!.decoder.mapFromDriverValue(normalised(raw));
    }
    return mapped;
  });
}

/**
 * The rowid of the last row an INSERT run without RETURNING wrote (a reusable insert answers the
 * driver's result set): the rows of one INSERT take consecutive rowids under the write lock, so
 * this also places the ones before it. Throws SWB_ERR_STORE when the store does not say.
 *
 * @example
 * const id = lastInsertedRowid(await insertNote(tx, { text: "hi" }), "a note");
 */
export function lastInsertedRowid(result: { lastInsertRowid?: bigint | undefined }, what: string): number {
  if (result.lastInsertRowid === undefined)
    throw new SwitchboardError(
      ErrorCodes.STORE,
      `The store did not say where ${what} went (no last insert rowid); check that it is libSQL or SQLite.`,
    );
  return Number(result.lastInsertRowid);
}

/**
 * Runs SQL text written once (a constant, with `?` for its arguments) on any database or
 * transaction, and answers its rows as arrays of values by position: for a statement a query
 * builder would build on every call (a raw \`sql\` template costs drizzle about 50 µs to turn into
 * text, issue 22). A read or a write: a write answers the rows of its RETURNING, else none.
 * Integers come back as numbers and blobs as Buffers, from either client; name the columns' order
 * in the text, as the caller reads them by it.
 *
 * @example
 * const rows = await runSqlRows(tx, "SELECT id, name FROM contacts WHERE id >= ? AND id < ?", [1, 100]);
 * for (const [id, name] of rows) console.log(id, name);
 */
export async function runSqlRows(db: Queryable, text: string, args: readonly (string | number | null)[]): Promise<unknown[][]> {
  const executor = executorOf((db as unknown as { session: Binding }).session);
  try {
    const { rows } = await executor.execute({ sql: text, args: [...args], [VALUE_ROWS]: true });
    // The embedded client answers arrays; @libsql/client (a remote store) answers Rows, read by position alike.
    return rows.map((row) => (Array.isArray(row) ? row : Array.from(row, normalised)));
  } catch (error) {
    throw new DrizzleQueryError(text, [...args], error as Error);
  }
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
  let plan: Plan | undefined;
  return (db, values) => {
    const session = (db as unknown as { session: Binding }).session;
    if (!prepared) {
      prepared = build(db).prepare() as Prepared<R> & Binding;
      plan = planOf(prepared as unknown as PreparedInternals);
    }
    if (plan) return runPlan(plan, session, values) as Promise<R>;
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
 * `column IN (ids)` for a reusable query whatever the number of ids (numbers, or strings such as job
 * keys): they are bound as one JSON array under the placeholder `name` (a list of `?` would make a
 * new statement for every count).
 *
 * @example
 * const byIds = reusableQuery((db) => db.select().from(contacts).where(inIdList(contacts.id)));
 * await byIds(tx, { ids: JSON.stringify([3, 7]) });
 */
export function inIdList(column: SQLWrapper, name = "ids"): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;
}
