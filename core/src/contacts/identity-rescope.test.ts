// Re-scoping identities on a database made with the old schema (migrations up to 0005, holding the
// damage of the old rule): migration 0006, then the start-up step once the plugins declared their
// scopes; it runs again as a no-op; the damage is listed, split off (audited), and undone by a merge.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { asc, eq } from "drizzle-orm";
import { stringify } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.ts";
import { parseConfigText } from "../config/load.ts";
import { SYSTEM_ACTOR } from "../conversations/update.ts";
import { createLogger } from "../log/index.ts";
import { auditLog, identities, messages } from "../store/schema.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";
import { testChannelStates } from "../testing/test-channel.ts";
import { createLegacyDatabase } from "./fixtures/legacy-identities.ts";
import { rescopeIdentities } from "./identity-rescope.ts";
import { mergeContacts } from "./merge.ts";
import { sharedIdentities } from "./shared-identities.ts";
import { splitContact } from "./split.ts";

const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
const TEST_CHANNEL = fileURLToPath(new URL("../testing/test-channel.ts", import.meta.url));
const SECRETS = { shop: "shop-secret-0123456789", app: "app-secret-0123456789" };

let sb: Switchboard | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
  testChannelStates.delete("rescope");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A Switchboard (not started) on the legacy database: API inboxes shop and app, test-channel inboxes test and test2. */
async function onLegacyDatabase(): Promise<Switchboard> {
  dir = mkdtempSync(join(tmpdir(), "swb-rescope-"));
  const path = join(dir, "switchboard.db");
  await createLegacyDatabase(path);
  testChannelStates.set("rescope", { sent: [], failures: [], idempotentSends: false });
  const config = {
    store: { url: `file:${path}` },
    plugins: { api: { package: API_PLUGIN }, "test-channel": { package: TEST_CHANNEL, options: { harness: "rescope" } } },
    inboxes: {
      shop: { plugin: "api", options: { secret: SECRETS.shop } },
      app: { plugin: "api", options: { secret: SECRETS.app } },
      test: { plugin: "test-channel" },
      test2: { plugin: "test-channel" },
    },
  };
  const loaded = parseConfigText(stringify(config), join(dir, "switchboard.toml"), {});
  sb = await createSwitchboard(loaded, {
    clock: new ManualClock(Date.parse("2026-12-01T09:00:00Z")),
    log: createLogger({ level: "silent" }),
    backgroundWorkers: false,
  });
  return sb;
}

const rows = (s: Switchboard) =>
  s.store.db
    .select({
      id: identities.id,
      contactId: identities.contactId,
      channel: identities.channel,
      scope: identities.scope,
      externalId: identities.externalId,
    })
    .from(identities)
    .orderBy(asc(identities.id));

let sequence = 0;
async function post(s: Switchboard, inbox: "shop" | "app", contactId: string): Promise<number> {
  const res = await s.app.request(`/webhooks/${inbox}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRETS[inbox]}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id: `new-${++sequence}`, contact: { id: contactId }, text: "hello" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { contact_id: number }).contact_id;
}

describe("identity re-scope", () => {
  it("gives old identities of inbox-scoped channels their inboxes at start, once, and leaves global ones alone", async () => {
    const s = await onLegacyDatabase();
    expect((await rows(s)).map((r) => r.scope)).toEqual(["", "", "", ""]);
    expect(await sharedIdentities(s.store.db, ["api"])).toEqual([
      { contactId: 1, channel: "api", externalId: "42", inboxes: ["shop", "app"] },
    ]);

    await s.start();
    expect(await rows(s)).toEqual([
      { id: 1, contactId: 1, channel: "api", scope: "shop", externalId: "42" },
      { id: 2, contactId: 2, channel: "test", scope: "", externalId: "tg-1" },
      { id: 3, contactId: 3, channel: "api", scope: "shop", externalId: "7" },
      { id: 4, contactId: 3, channel: "api", scope: "app", externalId: "8" },
      { id: 5, contactId: 1, channel: "api", scope: "app", externalId: "42" },
    ]);
    expect(await rescopeIdentities(s, s.inboxes.list())).toBe(0);
    expect(await sharedIdentities(s.store.db, ["api"])).toEqual([
      { contactId: 1, channel: "api", externalId: "42", inboxes: ["shop", "app"] },
    ]);

    expect(await post(s, "shop", "42")).toBe(1);
    expect(await post(s, "shop", "7")).toBe(3);
    expect(await post(s, "app", "8")).toBe(3);
    const unknown = await post(s, "app", "7");
    expect(unknown).not.toBe(3);
    expect(s.inboxes.get("test")?.identityScope).toBe("channel");
    expect((await s.ingest("test2", { externalId: "t-3", contact: { externalId: "tg-1" }, text: "hi" })).status === "stored").toBe(true);
    expect(
      (await s.store.db.select({ contactId: messages.contactId }).from(messages).where(eq(messages.externalId, "t-3")))[0]?.contactId,
    ).toBe(2);
  });

  it("splits the damage off into a new contact (audited), after which each inbox's 42 is its own, and a merge undoes it", async () => {
    const s = await onLegacyDatabase();
    await s.start();
    expect(await post(s, "app", "42")).toBe(1);

    const split = await splitContact(s, SYSTEM_ACTOR, 1, "app");
    // The one claim is the contact's folded name as written from that inbox (merge suggestions from text).
    expect(split.moved).toEqual({ identities: 1, claims: 1, conversations: 1, messages: 3 });
    expect(await sharedIdentities(s.store.db, ["api"])).toEqual([]);
    expect(await post(s, "app", "42")).toBe(split.contactId);
    expect(await post(s, "shop", "42")).toBe(1);
    const texts = await s.store.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.contactId, split.contactId))
      .orderBy(asc(messages.id));
    expect(texts.map((m) => m.text)).toEqual(["Bob: the app crashes", "Bob: still crashing", "hello", "hello"]);
    const [audit] = await s.store.db.select().from(auditLog).where(eq(auditLog.action, "contact.split"));
    expect(audit).toMatchObject({
      actor: "system",
      subjectType: "contact",
      subjectId: "1",
      data: { inbox: "app", into: split.contactId, moved: split.moved },
    });

    await expect(splitContact(s, SYSTEM_ACTOR, 1, "app")).rejects.toMatchObject({ code: "SWB_ERR_VALIDATION" });
    await expect(splitContact(s, SYSTEM_ACTOR, 999, "app")).rejects.toMatchObject({ code: "SWB_ERR_NOT_FOUND" });
    await expect(splitContact(s, SYSTEM_ACTOR, split.contactId, "app")).rejects.toMatchObject({ code: "SWB_ERR_VALIDATION" });

    await mergeContacts(s, SYSTEM_ACTOR, 1, split.contactId);
    expect(await sharedIdentities(s.store.db, ["api"])).toEqual([
      { contactId: 1, channel: "api", externalId: "42", inboxes: ["shop", "app"] },
    ]);
  });
});
