// The caching embedded client answers exactly as @libsql/client's file client does, on real files:
// shapes of rows and results, value conversions, errors, transactions, and schema changes that
// must not leave a cached statement describing old columns.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, type InStatement, LibsqlBatchError, LibsqlError, type ResultSet } from "@libsql/client";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it } from "vitest";
import { createEmbeddedClient, VALUE_ROWS } from "./embedded-client.ts";

const open: Client[] = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

function pair(): { ours: Client; theirs: Client; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), "swb-client-")), "db.sqlite");
  const ours = createEmbeddedClient(path);
  const theirs = createClient({ url: `file:${path}` });
  open.push(ours, theirs);
  return { ours, theirs, path };
}

/** What a caller can observe of a result set. */
function observe(result: ResultSet) {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes,
    rows: result.rows.map((row) => ({ byIndex: Array.from(row as ArrayLike<unknown>), byName: { ...row }, length: row.length })),
    rowsAffected: result.rowsAffected,
    lastInsertRowid: result.lastInsertRowid,
    json: JSON.stringify(result),
  };
}

describe("embedded client", () => {
  it("waits for another process's write lock without blocking the event loop, and gives up after its timeout", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "swb-client-")), "db.sqlite");
    const holder = createEmbeddedClient(path, { timeoutMs: 5_000 });
    // Far longer than the hold below: on a loaded CI machine the 300 ms pause can take seconds.
    const waiter = createEmbeddedClient(path, { timeoutMs: 60_000 });
    const impatient = createEmbeddedClient(path, { timeoutMs: 200 });
    open.push(holder, waiter, impatient);
    await holder.execute("PRAGMA journal_mode = WAL");
    await holder.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)");
    const held = await holder.transaction("write"); // another process's writer, as far as the others know
    await held.execute("INSERT INTO t (who) VALUES ('holder')");

    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    const waiting = waiter.transaction("write");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ticks).toBeGreaterThanOrEqual(10); // timers ran while it waited: the loop was free
    await expect(impatient.transaction("write")).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    await held.commit();
    const tx = await waiting;
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await tx.execute("INSERT INTO t (who) VALUES ('waiter')");
    await tx.commit();
    expect((await holder.execute("SELECT who FROM t ORDER BY id")).rows.map((r) => r.who)).toEqual(["holder", "waiter"]);

    // Again on the waiter's connection, which in WAL mode keeps a busy timeout of 0 between its
    // write transactions: it still waits, with the loop free, and then writes.
    const heldAgain = await holder.transaction("write");
    const again = waiter.transaction("write");
    const ticksBefore = ticks;
    const timer2 = setInterval(() => ticks++, 10);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ticks - ticksBefore).toBeGreaterThanOrEqual(5);
    await heldAgain.commit();
    const tx2 = await again;
    clearInterval(timer2);
    await tx2.execute("INSERT INTO t (who) VALUES ('waiter again')");
    await tx2.commit();
    expect((await holder.execute("SELECT count(*) AS n FROM t")).rows[0]!.n).toBe(3);
  });

  it("answers a statement marked VALUE_ROWS with the same values by position, as bare arrays, in and out of transactions", async () => {
    const { ours } = pair();
    await ours.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB)");
    await ours.execute({
      sql: "INSERT INTO t (name, n, r, b) VALUES (?, ?, ?, ?), (?, ?, ?, NULL)",
      args: ["Zoë", 42, 1.5, new Uint8Array([1, 2]), "Ann", 7, 0],
    });
    const reads = [
      { sql: "SELECT id, name, n, r, b FROM t ORDER BY id", args: [] },
      { sql: "SELECT id, name FROM t ORDER BY id LIMIT ?", args: [1] },
      { sql: "SELECT id FROM t WHERE id > ?", args: [99] },
    ];
    const tx = await ours.transaction("write");
    for (const executor of [ours, tx])
      for (const read of reads) {
        const rows = (await executor.execute({ ...read, [VALUE_ROWS]: true } as InStatement)).rows as unknown as unknown[][];
        const expected = (await executor.execute(read)).rows.map((row) =>
          Array.from(row as ArrayLike<unknown>, (value) => (value instanceof ArrayBuffer ? Buffer.from(value) : value)),
        );
        expect(rows.every((row) => Array.isArray(row))).toBe(true);
        expect(rows).toEqual(expected);
      }
    const inserted = await tx.execute({
      sql: "INSERT INTO t (name, n) VALUES (?, ?) RETURNING id, n",
      args: ["Bo", 3],
      [VALUE_ROWS]: true,
    } as InStatement);
    expect(inserted.rows).toEqual([[3, 3]]);
    await tx.commit();
  });

  it("returns what @libsql/client returns, statement for statement, run twice (cached the second time)", async () => {
    const { ours, theirs } = pair();
    await ours.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB)");
    const statements = [
      { sql: "INSERT INTO t (name, n, r, b) VALUES (?, ?, ?, ?)", args: ["Zoë", 42, 1.5, new Uint8Array([1, 2, 3])] },
      { sql: "INSERT INTO t (name, n, r, b) VALUES (:name, :n, :r, NULL)", args: { name: "Ann", n: true, r: 0 } },
      { sql: "SELECT id, name, n, r, b, name AS name FROM t ORDER BY id", args: [] },
      { sql: "SELECT count(*) AS c, max(n) FROM t WHERE name <> ?", args: ["nobody"] },
      { sql: "UPDATE t SET n = n + 1 WHERE id > ?", args: [0] },
      { sql: "SELECT * FROM t WHERE id = ?", args: [999] },
      // A limit of 1 takes the single-row path; the rows must not differ.
      { sql: "SELECT id, name, b FROM t ORDER BY id LIMIT ?", args: [1] },
      { sql: "SELECT id, name FROM t WHERE id > ? LIMIT ?", args: [999, 1] },
      { sql: "SELECT id, name FROM t ORDER BY id LIMIT ?", args: [2] },
      // Columns named like an index or `length` (a constant is named "0").
      { sql: "SELECT id, 0, 1, name AS length FROM t ORDER BY id", args: [] },
    ];
    for (let round = 0; round < 2; round++) {
      for (const statement of statements) {
        const mine = observe(await ours.execute(statement));
        await theirs.execute("SELECT 1"); // same file: their view must agree with ours
        const readOnly = statement.sql.startsWith("SELECT");
        if (readOnly) expect(mine).toEqual(observe(await theirs.execute(statement)));
      }
    }
    const [row] = (await ours.execute("SELECT b FROM t WHERE name = 'Zoë'")).rows;
    expect(row!.b).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(row!.b as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it("answers an insert with RETURNING as @libsql/client does: one row, none on a conflict, every row of several", async () => {
    const sequence = [
      "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INTEGER)",
      {
        sql: "INSERT INTO t (id, k, n) VALUES (null, ?, (CAST(? * 2 AS INTEGER))) ON CONFLICT (k) DO NOTHING RETURNING id, k, n",
        args: ["a", 1],
      },
      {
        sql: "INSERT INTO t (id, k, n) VALUES (null, ?, (CAST(? * 2 AS INTEGER))) ON CONFLICT (k) DO NOTHING RETURNING id, k, n",
        args: ["a", 2],
      },
      { sql: "INSERT INTO t (k, n) VALUES (?, 'x), (y') ON CONFLICT (k) DO UPDATE SET n = 7 RETURNING id, n", args: ["a"] },
      { sql: "INSERT INTO t (k, n) VALUES (?, ?), (?, ?) RETURNING id, k", args: ["b", 1, "c", 2] },
      { sql: "INSERT INTO t (k, n) SELECT k || '2', n FROM t RETURNING k", args: [] },
      "SELECT id, k, n FROM t ORDER BY id",
    ];
    const results: unknown[][] = [];
    for (const client of [createEmbeddedClient, (path: string) => createClient({ url: `file:${path}` })]) {
      const c = client(join(mkdtempSync(join(tmpdir(), "swb-client-")), "db.sqlite"));
      open.push(c);
      const observed: unknown[] = [];
      for (const statement of sequence) observed.push(observe(await c.execute(statement)));
      results.push(observed);
    }
    expect(results[0]).toEqual(results[1]);
    expect((results[0]![1] as ReturnType<typeof observe>).rows).toHaveLength(1);
    expect((results[0]![2] as ReturnType<typeof observe>).rows).toHaveLength(0);
    expect((results[0]![4] as ReturnType<typeof observe>).rows).toHaveLength(2);
    expect((results[0]![5] as ReturnType<typeof observe>).rows).toHaveLength(3);
  });

  it("refuses what @libsql/client refuses, with a LibsqlError and SQLite's code", async () => {
    const { ours } = pair();
    await ours.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)");
    await ours.execute({ sql: "INSERT INTO u (email) VALUES (?)", args: ["a@example.com"] });
    const duplicate = await ours.execute({ sql: "INSERT INTO u (email) VALUES (?)", args: ["a@example.com"] }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(LibsqlError);
    expect(duplicate).toMatchObject({ code: "SQLITE_CONSTRAINT", extendedCode: "SQLITE_CONSTRAINT_UNIQUE" });
    await expect(ours.execute("SELECT nope FROM u")).rejects.toMatchObject({ code: "SQLITE_ERROR" });
    await expect(ours.execute({ sql: "SELECT ?", args: [undefined as never] })).rejects.toThrow(/undefined cannot be passed/);
    await expect(ours.execute({ sql: "SELECT ?", args: [Number.NaN] })).rejects.toThrow(/finite/);
    await ours.execute({ sql: "INSERT INTO u (id, email) VALUES (?, 'big')", args: [2n ** 60n] });
    await expect(ours.execute("SELECT id FROM u WHERE email = 'big'")).rejects.toThrow(/safely represented/);
    const batch = await ours
      .batch(["INSERT INTO u (email) VALUES ('b@example.com')", "INSERT INTO u (email) VALUES ('a@example.com')"])
      .catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(LibsqlBatchError);
    expect((batch as LibsqlBatchError).statementIndex).toBe(1);
    expect((await ours.execute("SELECT count(*) AS n FROM u WHERE email = 'b@example.com'")).rows[0]!.n).toBe(0);
  });

  it("keeps a transaction apart from reads outside it until it commits, and rolls back on request", async () => {
    const { ours, theirs } = pair();
    await ours.execute("CREATE TABLE k (v TEXT)");
    const tx = await ours.transaction("write");
    await tx.execute({ sql: "INSERT INTO k VALUES (?)", args: ["one"] });
    expect((await ours.execute("SELECT count(*) AS n FROM k")).rows[0]!.n).toBe(0);
    expect((await tx.execute("SELECT count(*) AS n FROM k")).rows[0]!.n).toBe(1);
    await tx.commit();
    expect(tx.closed).toBe(true);
    await expect(tx.execute("SELECT 1")).rejects.toMatchObject({ code: "TRANSACTION_CLOSED" });
    expect((await theirs.execute("SELECT count(*) AS n FROM k")).rows[0]!.n).toBe(1);
    const undone = await ours.transaction("write");
    await undone.execute("INSERT INTO k VALUES ('two')");
    await undone.rollback();
    expect((await ours.execute("SELECT count(*) AS n FROM k")).rows[0]!.n).toBe(1);
    // The connection went back to the pool clean: the next transaction starts fresh.
    const next = await ours.transaction("write");
    await next.execute("INSERT INTO k VALUES ('three')");
    await next.commit();
    expect((await ours.execute("SELECT v FROM k ORDER BY rowid")).rows.map((r) => r.v)).toEqual(["one", "three"]);
  });

  it("in WAL mode, shares one read snapshot among the reads of a turn: a commit here shows at once, another process's from the next turn", async () => {
    const { ours, theirs } = pair();
    await ours.execute("PRAGMA journal_mode = WAL");
    await ours.execute("CREATE TABLE w (v TEXT)");
    const count = async (client: Client) => Number((await client.execute("SELECT count(*) AS n FROM w")).rows[0]!.n);
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

    expect(await count(ours)).toBe(0); // opens the snapshot
    await theirs.execute("INSERT INTO w VALUES ('theirs')"); // not held up by our reader
    expect(await count(ours)).toBe(0); // the same turn: the same snapshot
    await nextTurn();
    expect(await count(ours)).toBe(1);

    // This client's own transaction ends the snapshot, so the read after it sees the commit.
    const tx = await ours.transaction("write");
    await tx.execute("INSERT INTO w VALUES ('ours')");
    expect(await count(ours)).toBe(1);
    await tx.commit();
    expect(await count(ours)).toBe(2);

    // So does a write outside transactions, which runs (and commits) on its own.
    await ours.execute("INSERT INTO w VALUES ('again')");
    expect(await count(ours)).toBe(3);
    expect(await count(theirs)).toBe(3);

    // Statements that cannot run inside a read transaction still can.
    await ours.batch(["INSERT INTO w VALUES ('batch')"], "write");
    await ours.executeMultiple("INSERT INTO w VALUES ('multiple');");
    expect(await count(ours)).toBe(5);
    const [checkpoint] = (await ours.execute("PRAGMA wal_checkpoint(TRUNCATE)")).rows;
    expect(Number(checkpoint!.busy)).toBe(0);
  });

  it("in the rollback journal, reads take no snapshot (a reader there would hold up every writer)", async () => {
    const { ours, theirs } = pair();
    await ours.execute("CREATE TABLE r (v TEXT)");
    expect((await ours.execute("SELECT count(*) AS n FROM r")).rows[0]!.n).toBe(0);
    await theirs.execute("INSERT INTO r VALUES ('theirs')");
    expect((await ours.execute("SELECT count(*) AS n FROM r")).rows[0]!.n).toBe(1);
  });

  it("sees new columns after a schema change made on any connection", async () => {
    const { ours } = pair();
    await ours.execute("CREATE TABLE s (a INTEGER)");
    await ours.execute("INSERT INTO s VALUES (1)");
    const tx = await ours.transaction("write");
    expect((await tx.execute("SELECT * FROM s")).columns).toEqual(["a"]);
    await tx.commit();
    expect((await ours.execute("SELECT * FROM s")).columns).toEqual(["a"]);
    await ours.execute("ALTER TABLE s ADD COLUMN b TEXT DEFAULT 'x'");
    expect({ ...(await ours.execute("SELECT * FROM s")).rows[0] }).toEqual({ a: 1, b: "x" });
    const again = await ours.transaction("write");
    expect((await again.execute("SELECT * FROM s")).columns).toEqual(["a", "b"]);
    await again.commit();
    await ours.executeMultiple("ALTER TABLE s ADD COLUMN c INTEGER DEFAULT 7; UPDATE s SET c = 8;");
    expect({ ...(await ours.execute("SELECT * FROM s")).rows[0] }).toEqual({ a: 1, b: "x", c: 8 });
  });

  it("serves drizzle-orm/libsql: inserts with returning, selects, booleans and JSON", async () => {
    const { ours } = pair();
    const notes = sqliteTable("notes", {
      id: integer("id").primaryKey(),
      text: text("text").notNull(),
      done: integer("done", { mode: "boolean" }).notNull(),
      meta: text("meta", { mode: "json" }).$type<{ tags: string[] }>(),
    });
    await ours.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL, done INTEGER NOT NULL, meta TEXT)");
    const db = drizzle(ours);
    const [inserted] = await db
      .insert(notes)
      .values({ text: "call back", done: false, meta: { tags: ["vip"] } })
      .returning();
    expect(inserted).toEqual({ id: 1, text: "call back", done: false, meta: { tags: ["vip"] } });
    await db.transaction(async (tx) => {
      await tx.update(notes).set({ done: true }).where(eq(notes.id, 1));
    });
    expect(await db.select().from(notes)).toEqual([{ id: 1, text: "call back", done: true, meta: { tags: ["vip"] } }]);
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(notes).values({ text: "lost", done: false });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.select({ text: notes.text }).from(notes)).toEqual([{ text: "call back" }]);
  });
});
