// Cross-channel context and custom attributes: a known contact writing on a new channel is linked
// to (or joins) their recent conversation elsewhere, by policy, and the inbox says "Also reached out
// on …"; custom attributes from config are edited in the sidebar and through the API.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversations, messages } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

const ivy = { name: "Ivy", email: "ivy@example.com", verified: true };

describe("cross-channel context", () => {
  it("links a new conversation to the recent one on the other channel, and the inbox says where they reached out", async () => {
    world = await identityWorld({ inboxes: { test: { plugin: "test-channel", display_name: "Telegram" } as never } });
    const chat = await world.chat({ externalId: "tg-ivy", ...ivy }, "My invoice is wrong\nsecond line");
    world.harness.clock.advance(26 * 3_600_000);
    const shop = await world.shop({ id: "shop-ivy", ...ivy }, "Writing from the shop now");
    expect(shop.contact_id).toBe(chat.contactId);
    expect(shop.conversation_id).not.toBe(chat.conversationId);
    const [linked] = await world.harness.switchboard.store.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, shop.conversation_id));
    expect(linked!.linkedConversationId).toBe(chat.conversationId);
    const browser = await world.browser();
    const page = await (await browser.get(`/inbox/conversations/${shop.conversation_id}`)).text();
    expect(page).toMatch(
      new RegExp(
        `Also reached out on <strong>Telegram</strong> 1d ago: <a href="/inbox/conversations/${chat.conversationId}">My invoice is wrong</a>`,
      ),
    );

    world.harness.clock.advance(5 * 24 * 3_600_000);
    await world.harness.switchboard.store.write((tx) => tx.update(conversations).set({ status: "resolved" }));
    const fresh = await world.shop({ id: "shop-ivy", ...ivy }, "Much later");
    const [unlinked] = await world.harness.switchboard.store.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, fresh.conversation_id));
    expect(unlinked!.linkedConversationId).toBeNull();
  });

  it('joins the open conversation on the other channel with cross_channel = "join"', async () => {
    world = await identityWorld({ config: { identity: { cross_channel: "join" } } });
    const chat = await world.chat({ externalId: "tg-ivy", ...ivy }, "Question on chat");
    const shop = await world.shop({ id: "shop-ivy", ...ivy }, "Same question from the shop");
    expect(shop.conversation_id).toBe(chat.conversationId);
    const [stored] = await world.harness.switchboard.store.db.select().from(messages).where(eq(messages.id, shop.message_id));
    expect(stored).toMatchObject({ inbox: "shop", channel: "api", conversationId: chat.conversationId });
    const followUp = await world.shop({ id: "shop-ivy", ...ivy }, "And again");
    expect(followUp.conversation_id).toBe(chat.conversationId);
  });
});

describe("custom attributes", () => {
  const attributes = {
    contact: {
      plan: { type: "list", options: ["free", "pro"], label: "Plan" },
      vip: { type: "checkbox", label: "VIP" },
      seats: { type: "number" },
      renewal: { type: "date" },
    },
    conversation: { order_id: { type: "text", label: "Order id" } },
  };

  it("edits contact and conversation attributes in the sidebar, typed, with a timeline entry for the conversation", async () => {
    world = await identityWorld({ config: { attributes } });
    const chat = await world.chat({ externalId: "tg-1", name: "Jon" }, "hi");
    const browser = await world.browser();
    const base = `/inbox/conversations/${chat.conversationId}`;
    const page = await (await browser.get(base)).text();
    expect(page).toContain('<select id="contact-plan" name="plan">');
    expect(page).toContain('<input id="contact-vip" type="checkbox" name="vip" value="true"');
    const saved = await browser.post(
      `${base}/contact-attributes`,
      { plan: "pro", vip: "true", seats: "12", renewal: "2027-01-31" },
      { htmx: true },
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('<option value="pro" selected="">pro</option>');
    const contact = await (await world.api(`/api/v1/contacts/${chat.contactId}`)).json();
    expect(contact.attributes).toEqual({ plan: "pro", vip: true, seats: 12, renewal: "2027-01-31" });
    await browser.post(`${base}/contact-attributes`, { plan: "", seats: "12", renewal: "2027-01-31" });
    expect((await (await world.api(`/api/v1/contacts/${chat.contactId}`)).json()).attributes).toEqual({
      vip: false,
      seats: 12,
      renewal: "2027-01-31",
    });
    const bad = await browser.post(`${base}/contact-attributes`, { plan: "gold" }, { htmx: true });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Plan: expected one of &#34;free&#34;, &#34;pro&#34;, got &#34;gold&#34;.");

    await browser.post(`${base}/attributes`, { order_id: "A-1009" });
    const timeline = await world.harness.switchboard.store.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, chat.conversationId));
    expect(timeline.at(-1)).toMatchObject({ direction: "activity", text: "Order id set to A-1009 by Ada Admin" });
  });

  it("sets attributes through the API, clears with null, and refuses unknown keys with the fix", async () => {
    world = await identityWorld({ config: { attributes } });
    const chat = await world.chat({ externalId: "tg-1", name: "Jon" }, "hi");
    expect(await (await world.api("/api/v1/custom-attributes")).json()).toMatchObject({
      contact: { plan: { type: "list" } },
      conversation: { order_id: { type: "text" } },
    });
    const set = await world.api(`/api/v1/conversations/${chat.conversationId}/custom-attributes`, {
      method: "PATCH",
      body: { values: { order_id: "B-2" } },
    });
    expect(await set.json()).toEqual({ attributes: { order_id: "B-2" } });
    const cleared = await world.api(`/api/v1/conversations/${chat.conversationId}/custom-attributes`, {
      method: "PATCH",
      body: { values: { order_id: null } },
    });
    expect(await cleared.json()).toEqual({ attributes: {} });
    const unknown = await world.api(`/api/v1/contacts/${chat.contactId}/custom-attributes`, {
      method: "PATCH",
      body: { values: { colour: "red" } },
    });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).error.message).toBe(
      'There is no custom contact attribute "colour". Define it in config under [attributes.contact.colour] (known: plan, vip, seats, renewal).',
    );
  });
});
