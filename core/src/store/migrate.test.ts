// Migrations on an empty file: every table, FTS5 kept in step (messages indexed after their write), WAL mode, idempotence.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openStore, type Store } from "./index.ts";
import { jobs } from "./schema.ts";
import { catchUpMessageSearch, indexPendingMessages } from "./search-index.ts";

let store: Store | undefined;
afterEach(() => store?.close());

describe("store migrations", () => {
  it("create every table on an empty file, in WAL mode, and run again as a no-op", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "swb-store-")), "nested", "switchboard.db");
    store = await openStore({ url: `file:${path}` });
    await store.migrate();
    await store.migrate();
    const tables = (await store.client.execute("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")).rows.map(
      (r) => r.name,
    );
    for (const table of [
      "contacts",
      "identities",
      "conversations",
      "messages",
      "attachments",
      "agents",
      "teams",
      "labels",
      "outbox",
      "jobs",
      "plugin_kv",
      "audit_log",
      "api_tokens",
      "webhook_deliveries",
      "messages_fts",
      "contacts_fts",
      "sessions",
      "team_inboxes",
      "conversation_reads",
      "canned_responses",
    ]) {
      expect(tables).toContain(table);
    }
    expect((await store.client.execute("PRAGMA journal_mode")).rows[0]!.journal_mode).toBe("wal");
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
    expect((await store.client.execute("SELECT count(*) AS n FROM __drizzle_migrations")).rows[0]!.n).toBe(journal.entries.length);
  });

  it("keep full-text search in step with messages (indexed after their write) and contacts", async () => {
    store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-store-")), "db")}` });
    await store.migrate();
    const c = store.client;
    await c.execute("INSERT INTO contacts (id, name, email) VALUES (1, 'Zoë Müller', 'zoe@example.com')");
    await c.execute("INSERT INTO conversations (id, contact_id, inbox, channel) VALUES (1, 1, 'api', 'api')");
    const addMessage = (id: number, text: string) =>
      c.execute({
        sql: "INSERT INTO messages (id, conversation_id, contact_id, inbox, channel, direction, text) VALUES (?, 1, 1, 'api', 'api', 'incoming', ?)",
        args: [id, text],
      });
    await addMessage(1, "My invoice is wrong");
    const find = async (sql: string, q: string) => (await c.execute({ sql, args: [q] })).rows.map((r) => Number(r.rowid));
    const messageSql = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid";
    expect(await find(messageSql, "invoice")).toEqual([]); // not indexed with its write
    expect(await catchUpMessageSearch(store)).toBe(1);
    expect(await find(messageSql, "invoice")).toEqual([1]);
    expect(await find("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?", "zoe")).toEqual([1]);
    await c.execute("UPDATE messages SET text = 'Refund please' WHERE id = 1");
    expect(await find(messageSql, "invoice")).toEqual([]);
    expect(await find(messageSql, "refund")).toEqual([1]);

    // Messages edited or deleted before they were indexed: the index never holds what they no longer say.
    await addMessage(2, "Parcel lost");
    await addMessage(3, "Parcel damaged");
    await c.execute("UPDATE messages SET text = 'Parcel found, refund cancelled' WHERE id = 2");
    await c.execute("DELETE FROM messages WHERE id = 3");
    expect(await catchUpMessageSearch(store)).toBe(1);
    expect(await catchUpMessageSearch(store)).toBe(0);
    expect(await find(messageSql, "parcel")).toEqual([2]);
    expect(await find(messageSql, "lost")).toEqual([]);
    expect(await find(messageSql, "refund")).toEqual([1, 2]);
    await c.execute("DELETE FROM messages WHERE id = 1");
    expect(await find(messageSql, "refund")).toEqual([2]);
    // FTS5 checks the index against the messages table: nothing missing, nothing left over.
    await c.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  });

  it("index a file's messages in chunks, and count those indexed before 0017 as indexed", async () => {
    store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-store-")), "db")}` });
    await store.migrate();
    const c = store.client;
    await c.execute("INSERT INTO contacts (id, name) VALUES (1, 'Ann')");
    await c.execute("INSERT INTO conversations (id, contact_id, inbox, channel) VALUES (1, 1, 'api', 'api')");
    await c.execute(
      "INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, text) SELECT 1, 1, 'api', 'api', 'incoming', 'order ' || value FROM generate_series(1, 1203)",
    );
    const chunks: number[] = [];
    while (true) {
      const indexed = await store.write((tx) => indexPendingMessages(tx, 500));
      if (indexed === 0) break;
      chunks.push(indexed);
    }
    expect(chunks).toEqual([500, 500, 203]);
    const count = async () =>
      Number((await c.execute("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'order'")).rows[0]!.n);
    expect(await count()).toBe(1203);
    // 0017 on a file whose messages the old insert trigger indexed: they count as indexed, so a
    // delete still takes them out of the index.
    await c.execute("UPDATE search_progress SET indexed_upto = 0");
    await c.execute("DELETE FROM search_progress");
    const migration = readFileSync(join(MIGRATIONS_FOLDER, "0017_message_search_after_write.sql"), "utf8");
    const insertProgress = migration.split("--> statement-breakpoint").find((part) => part.includes("INSERT INTO `search_progress`"))!;
    await c.execute(insertProgress);
    expect(await catchUpMessageSearch(store)).toBe(0);
    await c.execute("DELETE FROM messages WHERE id <= 3");
    expect(await count()).toBe(1200);
    await c.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  });

  it("move pending plugin jobs' keys into their plugin's namespace (0016), leaving core's alone", async () => {
    store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-migrate-")), "db.sqlite")}` });
    await store.migrate();
    await store.write((tx) =>
      tx.insert(jobs).values([
        { kind: "core:snooze.wake", key: "snooze:1", payload: {}, dueAt: 1, updatedAt: 1 },
        { kind: "automations:follow-up", key: "follow-up:7", payload: {}, dueAt: 1, updatedAt: 1 },
        { kind: "automations:follow-up", key: null, payload: {}, dueAt: 1, updatedAt: 1 },
      ]),
    );
    // The migration as it ran on a file written before it (its rows are the state it finds).
    await store.client.execute(readFileSync(join(MIGRATIONS_FOLDER, "0016_plugin_job_keys.sql"), "utf8"));
    const keys = (await store.db.select().from(jobs)).map((job) => [job.kind, job.key]);
    expect(keys).toEqual([
      ["core:snooze.wake", "snooze:1"],
      ["automations:follow-up", "plugin:automations:follow-up:7"],
      ["automations:follow-up", null],
    ]);
  });

  it("refuses an in-memory store, which cannot hold a transaction beside reads", async () => {
    await expect(openStore({ url: ":memory:" })).rejects.toMatchObject({ code: "SWB_ERR_STORE" });
  });
});
