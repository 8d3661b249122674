/**
 * Test helpers for "one customer across channels": a harness with two real channels — the harness's
 * "test" inbox and an API channel inbox ("shop", plugins/channel-api, posted to over HTTP like any
 * shop system would) — plus an admin agent with an API token and a signed-in inbox browser, and a
 * dump of every table to compare states exactly.
 */
import { fileURLToPath } from "node:url";
import { createApiToken } from "../../core/src/auth/tokens.ts";
import { type Browser, inboxHarness, signIn } from "../../core/src/inbox/fixtures.ts";
import type { Harness, HarnessOptions } from "../../core/src/testing/index.ts";

export const API_PLUGIN = fileURLToPath(new URL("../../plugins/channel-api/src/index.ts", import.meta.url));
export const SHOP_SECRET = "shop-secret-0123456789";

export interface ShopContact {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  verified?: boolean;
}

export interface IdentityWorld {
  harness: Harness;
  /** POSTs a customer message into the "shop" API inbox; returns the JSON answer (status 201 expected). */
  shop(
    contact: ShopContact,
    text: string,
    id?: string,
  ): Promise<{ status: string; message_id: number; conversation_id: number; contact_id: number }>;
  /** Injects a customer message into the harness's "test" inbox. */
  chat(
    contact: { externalId: string; name?: string; email?: string; phone?: string; verified?: boolean },
    text: string,
  ): Promise<{ messageId: number; conversationId: number; contactId: number }>;
  /** Calls the REST API as the admin. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  browser(): Promise<Browser>;
}

let sequence = 0;

/**
 * Builds the world. Close `world.harness` when done.
 *
 * @example
 * const world = await identityWorld();
 * await world.shop({ id: "c1", email: "ann@example.com" }, "hi");
 */
export async function identityWorld(options: HarnessOptions = {}): Promise<IdentityWorld> {
  const { harness, admin, password } = await inboxHarness({
    ...options,
    plugins: { api: { package: API_PLUGIN }, ...options.plugins },
    inboxes: { shop: { plugin: "api", options: { secret: SHOP_SECRET } }, ...options.inboxes },
  });
  const { token } = await createApiToken(harness.switchboard.store, admin.id, "identity-tests");
  return {
    harness,
    async shop(contact, text, id = `shop-${++sequence}`) {
      harness.clock.advance(1000);
      const res = await harness.request("/webhooks/shop/messages", {
        method: "POST",
        headers: { Authorization: `Bearer ${SHOP_SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({ id, contact, text }),
      });
      const body = await res.json();
      if (res.status !== 201) throw new Error(`the shop inbox answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async chat(contact, text) {
      harness.clock.advance(1000);
      const result = await harness.inject({ externalId: `chat-${++sequence}`, contact, text });
      if (result.status !== "stored") throw new Error(`expected stored, got ${result.status}`);
      return result;
    },
    api(path, init = {}) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (init.body !== undefined) headers["Content-Type"] = "application/json";
      return harness.request(path, {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    browser: () => signIn(harness, admin.email, password),
  };
}

/** Tables that record history (and so differ after any action), left out of state comparisons. */
const HISTORY = new Set([
  "audit_log",
  "contact_merges",
  "conversation_moves",
  "domain_events",
  "event_cursors",
  // How far the messages' full-text index goes: it moves on with any message written.
  "search_progress",
  "sessions",
  "sqlite_sequence",
  "__drizzle_migrations",
  "api_tokens",
  "jobs",
  "webhook_deliveries",
]);

/**
 * Every row of every table (except history tables), plus what the contacts' full-text index finds
 * for each contact's name: a state to compare exactly.
 *
 * @example
 * const before = await snapshot(harness);
 * // … merge, then unmerge …
 * expect(await snapshot(harness)).toEqual(before);
 */
export async function snapshot(harness: Harness): Promise<Record<string, unknown[]>> {
  const client = harness.switchboard.store.client;
  const tables = (
    await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' ORDER BY name")
  ).rows.map((r) => String(r.name));
  const out: Record<string, unknown[]> = {};
  for (const table of tables.filter((t) => !HISTORY.has(t))) {
    out[table] = (await client.execute(`SELECT * FROM "${table}" ORDER BY rowid`)).rows.map((row) => ({ ...row }));
  }
  const names = (await client.execute("SELECT id, name FROM contacts WHERE name IS NOT NULL ORDER BY id")).rows;
  out.contacts_fts = [];
  for (const row of names) {
    const match = `"${String(row.name).split(/\s+/)[0]!.replace(/"/g, "")}"`;
    const hits = await client.execute({ sql: "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid", args: [match] });
    out.contacts_fts.push({ name: row.name, hits: hits.rows.map((h) => Number(h.rowid)) });
  }
  return out;
}
