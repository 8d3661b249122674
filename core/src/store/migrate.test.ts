// Migrations on an empty file: every table, FTS5 kept in step by triggers, WAL mode, idempotence.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openStore, type Store } from "./index.ts";
import { jobs } from "./schema.ts";

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

  it("keep full-text search in step with messages and contacts", async () => {
    store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-store-")), "db")}` });
    await store.migrate();
    const c = store.client;
    await c.execute("INSERT INTO contacts (id, name, email) VALUES (1, 'Zoë Müller', 'zoe@example.com')");
    await c.execute("INSERT INTO conversations (id, contact_id, inbox, channel) VALUES (1, 1, 'api', 'api')");
    await c.execute(
      "INSERT INTO messages (id, conversation_id, contact_id, inbox, channel, direction, text) VALUES (1, 1, 1, 'api', 'api', 'incoming', 'My invoice is wrong')",
    );
    const find = async (sql: string, q: string) => (await c.execute({ sql, args: [q] })).rows.map((r) => Number(r.rowid));
    const messageSql = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?";
    expect(await find(messageSql, "invoice")).toEqual([1]);
    expect(await find("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?", "zoe")).toEqual([1]);
    await c.execute("UPDATE messages SET text = 'Refund please' WHERE id = 1");
    expect(await find(messageSql, "invoice")).toEqual([]);
    expect(await find(messageSql, "refund")).toEqual([1]);
    await c.execute("DELETE FROM messages WHERE id = 1");
    expect(await find(messageSql, "refund")).toEqual([]);
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
