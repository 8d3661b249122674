// Identity scope (issue 13, defect 5): two API inboxes that both send contact id "42" are two
// customers, over HTTP to each inbox's webhook on a real libSQL file; ids of a channel declared
// "channel" (the test channel, as Telegram) still join one contact across inboxes; verified emails
// stay global; and a reply never goes out on another inbox under an id that means someone else there.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHarness, type Harness, tables, writeFixturePlugin } from "../../core/src/testing/index.ts";
import { API_PLUGIN, identityWorld, SHOP_SECRET } from "./fixtures.ts";

const APP_SECRET = "app-secret-0123456789";
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function world(testInboxScope?: "inbox" | "channel", plugins: Record<string, { package: string }> = {}) {
  const scoped = testInboxScope ? { options: { identity_scope: testInboxScope } } : {};
  harness = await createTestHarness({
    plugins: { api: { package: API_PLUGIN }, ...plugins },
    inboxes: {
      shop: { plugin: "api", options: { secret: SHOP_SECRET } },
      app: { plugin: "api", options: { secret: APP_SECRET } },
      test: { plugin: "test-channel", ...scoped },
      test2: { plugin: "test-channel", ...scoped },
    },
  });
  const h = harness;
  let sequence = 0;
  const post = async (inbox: "shop" | "app", contact: Record<string, unknown>, text: string) => {
    h.clock.advance(1000);
    const res = await h.request(`/webhooks/${inbox}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${inbox === "shop" ? SHOP_SECRET : APP_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({ id: `${inbox}-${++sequence}`, contact, text }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { contact_id: number; conversation_id: number };
  };
  const identitiesOf = (contactId: number) =>
    h.switchboard.store.db
      .select({ channel: tables.identities.channel, scope: tables.identities.scope, externalId: tables.identities.externalId })
      .from(tables.identities)
      .where(eq(tables.identities.contactId, contactId));
  return { h, post, identitiesOf };
}

describe("identity scope", () => {
  it("keeps two API inboxes' customer 42 apart, and each inbox's 42 one contact", async () => {
    const { h, post, identitiesOf } = await world();
    const ann = await post("shop", { id: "42", name: "Ann" }, "Where is my order?");
    const bob = await post("app", { id: "42", name: "Bob" }, "The app crashes");
    expect(bob.contact_id).not.toBe(ann.contact_id);
    expect((await post("shop", { id: "42" }, "Any news?")).contact_id).toBe(ann.contact_id);
    expect((await post("app", { id: "42" }, "Still crashing")).contact_id).toBe(bob.contact_id);

    const names = await h.switchboard.store.db.select({ id: tables.contacts.id, name: tables.contacts.name }).from(tables.contacts);
    expect(names).toEqual([
      { id: ann.contact_id, name: "Ann" },
      { id: bob.contact_id, name: "Bob" },
    ]);
    expect(await identitiesOf(ann.contact_id)).toEqual([{ channel: "api", scope: "shop", externalId: "42" }]);
    expect(await identitiesOf(bob.contact_id)).toEqual([{ channel: "api", scope: "app", externalId: "42" }]);
  });

  it("joins verified emails across inboxes: they are global whatever the channel declares", async () => {
    const { post, identitiesOf } = await world();
    const shop = await post("shop", { id: "42", email: "ann@example.com", verified: true }, "hi");
    const app = await post("app", { id: "900", email: "ANN@example.com", verified: true }, "hi from the app");
    expect(app.contact_id).toBe(shop.contact_id);
    expect(await identitiesOf(shop.contact_id)).toEqual([
      { channel: "api", scope: "shop", externalId: "42" },
      { channel: "email", scope: "", externalId: "ann@example.com" },
      { channel: "api", scope: "app", externalId: "900" },
    ]);
  });

  it("joins a channel-wide id (the test channel, as Telegram) across two inboxes into one contact", async () => {
    const { h, identitiesOf } = await world();
    const first = await h.inject({ externalId: "m1", contact: { externalId: "tg-7", name: "Cy" }, text: "hi" }, "test");
    const second = await h.inject({ externalId: "m2", contact: { externalId: "tg-7" }, text: "hi again" }, "test2");
    if (first.status !== "stored" || second.status !== "stored") throw new Error("expected both stored");
    expect(second.contactId).toBe(first.contactId);
    expect(second.conversationId).not.toBe(first.conversationId);
    expect(await identitiesOf(first.contactId)).toEqual([{ channel: "test", scope: "", externalId: "tg-7" }]);
  });

  it("keeps them apart when the same channel declares its ids inbox-scoped", async () => {
    const { h } = await world("inbox");
    const first = await h.inject({ externalId: "m1", contact: { externalId: "v-1" }, text: "hi" }, "test");
    const second = await h.inject({ externalId: "m2", contact: { externalId: "v-1" }, text: "hi" }, "test2");
    if (first.status !== "stored" || second.status !== "stored") throw new Error("expected both stored");
    expect(second.contactId).not.toBe(first.contactId);
  });

  it("says in the REST contact which inbox an id belongs to (null for a global one)", async () => {
    const w = await identityWorld();
    harness = w.harness;
    const ann = await w.shop({ id: "42", name: "Ann", email: "ann@example.com", verified: true }, "hi");
    const detail = (await (await w.api(`/api/v1/contacts/${ann.contact_id}`)).json()) as {
      identities: { channel: string; external_id: string; inbox: string | null }[];
    };
    expect(detail.identities.map((i) => [i.channel, i.external_id, i.inbox])).toEqual([
      ["api", "42", "shop"],
      ["email", "ann@example.com", null],
    ]);
  });

  it("tells enrichment hooks which inbox an inbox-scoped id belongs to", async () => {
    const spy = writeFixturePlugin(`ctx.enrich((input) => { (globalThis.__identifiers ??= []).push(input.identifiers); return null; });`, {
      name: "identifier-spy",
    });
    const { h, post } = await world(undefined, { spy: { package: spy } });
    await post("app", { id: "42", email: "bob@example.com", verified: true }, "hi");
    await h.inject({ externalId: "m1", contact: { externalId: "tg-7" }, text: "hi" }, "test");
    await h.drain();
    expect((globalThis as { __identifiers?: unknown[] }).__identifiers).toEqual([
      [
        { kind: "api", value: "42", verified: true, inbox: "app" },
        { kind: "email", value: "bob@example.com", verified: true },
      ],
      [{ kind: "test", value: "tg-7", verified: false }],
    ]);
  });

  it("refuses a reply on another inbox where the customer's id would name somebody else", async () => {
    const { h, post } = await world("inbox");
    const ann = await post("shop", { id: "42", name: "Ann" }, "hi");
    await post("app", { id: "42", name: "Bob" }, "hi");
    await expect(
      h.switchboard.outbound.reply({ conversationId: ann.conversation_id, text: "Hi Ann", agentId: null, inbox: "app" }),
    ).rejects.toMatchObject({ code: "SWB_ERR_VALIDATION" });
  });
});
