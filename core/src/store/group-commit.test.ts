// Group commit through the real store on a libSQL file: queued writes share commits, a failing
// write undoes only its own rows, callers hear back only after their rows are durable, and a
// write that breaks the shared transaction does not take the others down with it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openStore, type Store } from "./index.ts";

let store: Store | undefined;
afterEach(() => store?.close());

async function freshStore(): Promise<{ store: Store; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), "swb-group-")), "db.sqlite");
  store = await openStore({ url: `file:${path}` });
  await store.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
  return { store, path };
}

/** Counts COMMITs on the store's client (the transactions drizzle opens). */
function countCommits(s: Store): { commits: number } {
  const counter = { commits: 0 };
  const client = s.client as unknown as { transaction: (...a: unknown[]) => Promise<{ commit: () => Promise<void> }> };
  const open = client.transaction.bind(client);
  client.transaction = async (...args) => {
    const tx = await open(...args);
    const commit = tx.commit.bind(tx);
    tx.commit = () => {
      counter.commits++;
      return commit();
    };
    return tx;
  };
  return counter;
}

describe("store.write group commit", () => {
  it("lets writes queued behind a running one share a commit, each answered after its rows are on disk", async () => {
    const { store, path } = await freshStore();
    const counter = countCommits(store);
    const outsider = createClient({ url: `file:${path}` });
    const seenOnDisk: number[] = [];
    const writes = Array.from({ length: 30 }, (_, i) =>
      store
        .write(async (tx) => {
          await tx.run(sql`INSERT INTO notes (who) VALUES (${`caller ${i}`})`);
          return i;
        })
        .then(async (value) => {
          // A separate connection (another process would see the same) already has the row.
          seenOnDisk.push(
            Number((await outsider.execute({ sql: "SELECT count(*) AS n FROM notes WHERE who = ?", args: [`caller ${i}`] })).rows[0]!.n),
          );
          return value;
        }),
    );
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(seenOnDisk).toEqual(Array(30).fill(1));
    // Issued in one turn of the event loop: groups of at most 16, so two commits serve 30 callers.
    expect(counter.commits).toBe(2);
    outsider.close();
  });

  it("caps a group at 16 callers, so one commit never holds the event loop for long", async () => {
    const { store } = await freshStore();
    const counter = countCommits(store);
    const insert = (who: string) => store.write((tx) => tx.run(sql`INSERT INTO notes (who) VALUES (${who})`));
    await Promise.all(Array.from({ length: 100 }, (_, i) => insert(`burst ${i}`)));
    expect(counter.commits).toBe(7);
    expect((await store.client.execute("SELECT count(*) AS n FROM notes")).rows[0]!.n).toBe(100);
  });

  it("uses no savepoints, and runs everyone alone once someone fails", async () => {
    const { store } = await freshStore();
    const counter = countCommits(store);
    const seen: string[] = [];
    const client = store.client as unknown as {
      transaction: (...a: unknown[]) => Promise<{ execute: (...a: unknown[]) => Promise<unknown> }>;
    };
    const open = client.transaction.bind(client);
    client.transaction = async (...args) => {
      const tx = await open(...args);
      const execute = tx.execute.bind(tx);
      tx.execute = (...inner) => {
        seen.push(String((inner[0] as { sql: string }).sql));
        return execute(...inner);
      };
      return tx;
    };
    const insert = (who: string) => store.write((tx) => tx.run(sql`INSERT INTO notes (who) VALUES (${who})`));
    await Promise.all(["a", "b", "c"].map(insert));
    expect(counter.commits).toBe(1);
    const failing = store.write(async (tx) => {
      await tx.run(sql`INSERT INTO notes (who) VALUES ('x')`);
      throw new Error("no");
    });
    await Promise.all([insert("d"), expect(failing).rejects.toThrow("no"), insert("e")]);
    // The group of three rolled back, then each ran alone: the two that succeed commit one by one.
    expect(counter.commits).toBe(3);
    expect(seen.filter((s) => /savepoint/i.test(s))).toEqual([]);
    expect((await store.client.execute("SELECT who FROM notes ORDER BY id")).rows.map((r) => r.who)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("still commits while a test has fake timers installed", async () => {
    const { store } = await freshStore();
    vi.useFakeTimers();
    try {
      await store.write((tx) => tx.run(sql`INSERT INTO notes (who) VALUES ('faked')`));
    } finally {
      vi.useRealTimers();
    }
    expect((await store.client.execute("SELECT who FROM notes")).rows.map((r) => r.who)).toEqual(["faked"]);
  });

  it("undoes only the failing caller's writes when callers share a commit", async () => {
    const { store } = await freshStore();
    const results = await Promise.allSettled(
      ["ann", "bob", "cy", "dee"].map((who) =>
        store.write(async (tx) => {
          await tx.run(sql`INSERT INTO notes (who) VALUES (${who})`);
          if (who === "bob") throw new Error("bob changed his mind");
          return who;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("bob changed his mind"));
    expect((await store.client.execute("SELECT who FROM notes ORDER BY id")).rows.map((r) => r.who)).toEqual(["ann", "cy", "dee"]);
  });

  it("runs each caller alone again when one of them breaks the shared transaction", async () => {
    const { store } = await freshStore();
    const results = await Promise.allSettled(
      ["ann", "breaker", "cy"].map((who) =>
        store.write(async (tx) => {
          await tx.run(sql`INSERT INTO notes (who) VALUES (${who})`);
          // Ends the transaction under everyone's feet: the group's commit cannot happen.
          if (who === "breaker") await tx.run(sql`ROLLBACK`);
          return who;
        }),
      ),
    );
    expect(results[0]).toEqual({ status: "fulfilled", value: "ann" });
    expect(results[2]).toEqual({ status: "fulfilled", value: "cy" });
    expect(results[1]!.status).toBe("rejected");
    expect((await store.client.execute("SELECT who FROM notes ORDER BY id")).rows.map((r) => r.who)).toEqual(["ann", "cy"]);
  });
});
