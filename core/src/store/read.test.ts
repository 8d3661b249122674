// store.read on a libSQL file: one read snapshot across turns of the event loop while this process's
// writes commit beside it, no wait for a write transaction in progress, this process's writes held
// back outside WAL mode (their commit would wait for the reader inside the native call), and a
// write inside refused.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { turn } from "../perf/turn.ts";
import { openStore, type Queryable, type Store } from "./index.ts";
import { runSqlRows } from "./reusable.ts";

let store: Store | undefined;
afterEach(() => store?.close());

async function freshStore(): Promise<Store> {
  store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-read-")), "db.sqlite")}` });
  await store.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
  return store;
}

const countOf = async (db: Queryable) => (await runSqlRows(db, "SELECT count(*) FROM notes", []))[0]![0];
const addNote = (s: Store, who: string) => s.write((tx) => tx.run(sql`INSERT INTO notes (who) VALUES (${who})`));

describe("store.read", () => {
  it("reads one snapshot across turns of the event loop while writes commit beside it", async () => {
    const s = await freshStore();
    await addNote(s, "before");
    const seen = await s.read(async (db) => {
      const first = await countOf(db);
      await addNote(s, "meanwhile");
      await turn();
      return [first, await countOf(db), await countOf(s.db)];
    });
    expect(seen).toEqual([1, 1, 2]);
    expect(await s.read(countOf)).toBe(2);
  });

  it("does not wait for a write transaction in progress, and does not see it", async () => {
    const s = await freshStore();
    let finish = () => {};
    const held = new Promise<void>((resolve) => (finish = resolve));
    const writing = s.write(async (tx) => {
      await tx.run(sql`INSERT INTO notes (who) VALUES ('held')`);
      await held;
    });
    await turn();
    expect(await s.read(countOf)).toBe(0);
    finish();
    await writing;
    expect(await s.read(countOf)).toBe(1);
  });

  it("outside WAL mode, holds this process's writes until it is done instead of making their commit wait for it", async () => {
    const s = await freshStore();
    await s.client.execute("PRAGMA journal_mode = DELETE");
    const order: string[] = [];
    let writing: Promise<unknown> = Promise.resolve();
    const seen = await s.read(async (db) => {
      const first = await countOf(db);
      writing = addNote(s, "meanwhile").then(() => order.push("write"));
      for (let i = 0; i < 3; i++) await turn();
      order.push("read");
      return [first, await countOf(db)];
    });
    await writing;
    expect(seen).toEqual([0, 0]);
    expect(order).toEqual(["read", "write"]);
    expect(await s.read(countOf)).toBe(1);
  });

  it("refuses a write inside, and the store reads and writes as before after it", async () => {
    const s = await freshStore();
    await expect(s.read((db) => db.run(sql`INSERT INTO notes (who) VALUES ('sneaky')`))).rejects.toThrow();
    expect(await s.read(countOf)).toBe(0);
    await addNote(s, "after");
    expect(await s.read(countOf)).toBe(1);
  });
});
