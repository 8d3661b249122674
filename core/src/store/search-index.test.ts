// Messages reach the full-text index after their write: a running Switchboard indexes them in the
// background a moment later, many at once, then merges the contacts' and messages' index segments in
// short steps (FTS5's own merging inside the writes is off). (That a search first indexes what is
// left, so it finds a message the moment its write is acknowledged, is in inbox/search.test.ts and the
// migrations' test.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.ts";
import { createLogger } from "../log/index.ts";
import { workTotals } from "../perf/work.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";
import { openStore, type Store } from "./index.ts";
import { indexPendingMessages, mergeSearchIndexes, mergeSearchIndexStep } from "./search-index.ts";

const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
const SECRET = "shop-secret-0123456789";

let sb: Switchboard | undefined;
let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
  store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function running(): Promise<Switchboard> {
  dir = mkdtempSync(join(tmpdir(), "swb-search-index-"));
  const file = join(dir, "switchboard.toml");
  const config = {
    store: { url: `file:${join(dir, "switchboard.db")}` },
    plugins: { api: { package: API_PLUGIN } },
    inboxes: { shop: { plugin: "api", options: { secret: SECRET } } },
  };
  sb = await createSwitchboard(parseConfigText(stringify(config), file, {}), { log: createLogger({ level: "silent" }) });
  await sb.start();
  return sb;
}

const post = (s: Switchboard, id: string, text: string) =>
  s.app.request("/webhooks/shop/messages", {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id, contact: { id: "ann", name: "Ann" }, text }),
  });

/** How many index segments (b-trees) an FTS5 table holds: each has rows in its %_idx table. */
const segments = async (db: { execute(sql: string): Promise<{ rows: ArrayLike<Record<string, unknown>> }> }, table: string) =>
  Number((await db.execute(`SELECT count(DISTINCT segid) AS n FROM ${table}_idx`)).rows[0]!.n);

const automerge = async (db: { execute(sql: string): Promise<{ rows: ArrayLike<Record<string, unknown>> }> }, table: string) =>
  (await db.execute(`SELECT v FROM ${table}_config WHERE k = 'automerge'`)).rows[0]?.v;

const indexedHits = async (s: Switchboard, word: string) =>
  (await s.store.client.execute({ sql: "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?", args: [word] })).rows.length;

describe("the message search index", () => {
  it("takes new messages in the background, a moment after they are written", async () => {
    const s = await running();
    const indexedBefore = workTotals()["search.indexed_messages"] ?? 0;
    for (let i = 0; i < 30; i++) expect((await post(s, `m${i}`, `parcel ${i} is late`)).status).toBe(201);
    const deadline = performance.now() + 10_000;
    while ((await indexedHits(s, "parcel")) < 30 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await indexedHits(s, "parcel")).toBe(30);
    const [progress] = (await s.store.client.execute("SELECT indexed_upto FROM search_progress WHERE name = 'messages'")).rows;
    const [last] = (await s.store.client.execute("SELECT max(id) AS id FROM messages")).rows;
    expect(Number(progress!.indexed_upto)).toBe(Number(last!.id));
    // Counted as work, so a stall logged while it ran names it (perf/work.ts).
    expect((workTotals()["search.indexed_messages"] ?? 0) - indexedBefore).toBe(30);
  });

  it("merges the contacts' and messages' segments in steps, which FTS5 no longer does inside the writes", async () => {
    dir = mkdtempSync(join(tmpdir(), "swb-search-merge-"));
    store = await openStore({ url: `file:${join(dir, "db")}` });
    await store.migrate();
    const c = store.client;
    expect(await automerge(c, "messages_fts")).toBe(0);
    expect(await automerge(c, "contacts_fts")).toBe(0);
    // Twelve contacts and twelve messages, each indexed in a transaction of its own: a segment each.
    for (let id = 1; id <= 12; id++) {
      await c.execute({ sql: "INSERT INTO contacts (id, name) VALUES (?, ?)", args: [id, `Maria Garcia ${id}`] });
      await c.execute({ sql: "INSERT INTO conversations (id, contact_id, inbox, channel) VALUES (?, ?, 'api', 'api')", args: [id, id] });
      await c.execute({
        sql: "INSERT INTO messages (id, conversation_id, contact_id, inbox, channel, direction, text) VALUES (?, ?, ?, 'api', 'api', 'incoming', ?)",
        args: [id, id, id, `order ${id} is late`],
      });
      expect(await store.write((tx) => indexPendingMessages(tx, 1))).toBe(1);
    }
    expect(await segments(c, "messages_fts")).toBe(12);
    expect(await segments(c, "contacts_fts")).toBe(12);

    // At most the steps asked for; a later call goes on.
    expect(await mergeSearchIndexes(store, { maxSteps: 1 })).toBe(1);
    expect(await mergeSearchIndexes(store)).toBeGreaterThanOrEqual(1);
    expect(await segments(c, "messages_fts")).toBeLessThan(4);
    expect(await segments(c, "contacts_fts")).toBeLessThan(4);
    // Merged as far as FTS5's merging goes: another step finds nothing to do.
    expect(await store.write((tx) => mergeSearchIndexStep(tx, "messages_fts"))).toBe(false);
    expect(await store.write((tx) => mergeSearchIndexStep(tx, "contacts_fts"))).toBe(false);
    // Nothing lost or left over.
    expect((await c.execute("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'late'")).rows[0]!.n).toBe(12);
    expect((await c.execute("SELECT count(*) AS n FROM contacts_fts WHERE contacts_fts MATCH 'garcia'")).rows[0]!.n).toBe(12);
    await c.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
    await c.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('integrity-check')");
    // A merge that stops early (a stop asked for) leaves the index whole.
    await c.execute("INSERT INTO contacts (id, name) VALUES (13, 'Ann'), (14, 'Bo')");
    expect(await mergeSearchIndexes(store, { keepGoing: () => false })).toBe(0);
  });

  it("merges new contacts' segments in the background while it runs", async () => {
    const s = await running();
    const stepsBefore = workTotals()["search.merge_steps"] ?? 0;
    // Each message from a new sender, acknowledged before the next is sent: a transaction each, so
    // a contacts_fts segment each.
    for (let i = 0; i < 12; i++) {
      const answer = await s.app.request("/webhooks/shop/messages", {
        method: "POST",
        headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({ id: `n${i}`, contact: { id: `sender-${i}`, name: `Maria Garcia ${i}` }, text: `hello ${i}` }),
      });
      expect(answer.status).toBe(201);
    }
    const deadline = performance.now() + 10_000;
    while (
      ((workTotals()["search.merge_steps"] ?? 0) === stepsBefore || (await segments(s.store.client, "contacts_fts")) >= 4) &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((workTotals()["search.merge_steps"] ?? 0) - stepsBefore).toBeGreaterThan(0);
    expect(await segments(s.store.client, "contacts_fts")).toBeLessThan(4);
    expect((await s.store.client.execute("SELECT count(*) AS n FROM contacts_fts WHERE contacts_fts MATCH 'garcia'")).rows[0]!.n).toBe(12);
  });
});
