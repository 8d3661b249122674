// Conversation split and merge/split undo in the inbox (issue 16.5), through HTTP as a signed-in
// agent's browser: the split page lists the conversation's messages with checkboxes; the selected
// ones move into a new conversation (its page says where they came from and offers the undo); the
// merge action's target offers the merge's undo; each undo restores every table exactly. Bad
// input answers 4xx with a reason; a missing CSRF token 403.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversationMoves, conversations, messages } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld, snapshot } from "./fixtures.ts";

/** Every table but what signing in and reading pages change (the agent's availability, read marks). */
async function state(w: IdentityWorld) {
  const { agents: _agents, agent_availability_log: _log, conversation_reads: _reads, ...rest } = await snapshot(w.harness);
  return rest;
}

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

describe("conversation split and undo in the inbox", () => {
  it("splits the selected messages into a new conversation, and undoes it from there", async () => {
    world = await identityWorld();
    const w = world;
    const db = w.harness.switchboard.store.db;
    const first = await w.shop({ id: "shop-kim", name: "Kim" }, "My parcel is late");
    const topic = await w.shop({ id: "shop-kim", name: "Kim" }, "Also: how do I change my address?");
    const more = await w.shop({ id: "shop-kim", name: "Kim" }, "The new one is Main St 5");
    await w.harness.drain();
    const before = await state(w);
    const browser = await w.browser();

    const conversationPage = await (await browser.get(`/inbox/conversations/${first.conversation_id}`)).text();
    expect(conversationPage).toContain(`href="/inbox/conversations/${first.conversation_id}/split"`);
    const page = await browser.get(`/inbox/conversations/${first.conversation_id}/split`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`action="/inbox/conversations/${first.conversation_id}/actions/split"`);
    for (const m of [first, topic, more]) expect(html).toContain(`name="message_id" value="${m.message_id}"`);

    const split = await browser.post(`/inbox/conversations/${first.conversation_id}/actions/split`, {
      message_id: [String(topic.message_id), String(more.message_id)],
    });
    expect(split.status).toBe(303);
    const [move] = await db.select().from(conversationMoves);
    expect(move).toMatchObject({ kind: "split", sourceId: first.conversation_id, actor: expect.stringMatching(/^agent:/) });
    expect(split.headers.get("Location")).toBe(`/inbox/conversations/${move!.targetId}`);
    const moved = await db.select({ text: messages.text }).from(messages).where(eq(messages.conversationId, move!.targetId));
    expect(moved.map((m) => m.text)).toContain("The new one is Main St 5");
    await w.harness.drain();

    const created = await (await browser.get(`/inbox/conversations/${move!.targetId}`)).text();
    expect(created).toContain(`Split from <a href="/inbox/conversations/${first.conversation_id}">#${first.conversation_id}</a>`);
    expect(created).toContain(`action="/inbox/conversation-moves/${move!.id}/undo"`);
    const source = await (await browser.get(`/inbox/conversations/${first.conversation_id}`)).text();
    expect(source).toContain(`Messages were split into <a href="/inbox/conversations/${move!.targetId}">`);

    expect((await browser.post(`/inbox/conversation-moves/${move!.id}/undo`, {}, { csrf: false })).status).toBe(403);
    const undone = await browser.post(`/inbox/conversation-moves/${move!.id}/undo`, {}, { htmx: true });
    expect(undone.status).toBe(200);
    expect(undone.headers.get("HX-Push-Url")).toBe(`/inbox/conversations/${first.conversation_id}`);
    await w.harness.drain();
    expect(await state(w)).toEqual(before);
    const again = await browser.post(`/inbox/conversation-moves/${move!.id}/undo`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("was undone already");
    const after = await (await browser.get(`/inbox/conversations/${first.conversation_id}`)).text();
    expect(after).not.toContain(`/inbox/conversation-moves/${move!.id}/undo`);
  });

  it("answers bad splits with a 4xx and a reason", async () => {
    world = await identityWorld();
    const one = await world.shop({ id: "shop-lee", name: "Lee" }, "hello");
    const two = await world.shop({ id: "shop-lee", name: "Lee" }, "again");
    const other = await world.shop({ id: "shop-max", name: "Max" }, "me too");
    const browser = await world.browser();
    const split = (form: Record<string, string | string[]>) =>
      browser.post(`/inbox/conversations/${one.conversation_id}/actions/split`, form);
    const none = await split({});
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("message_id");
    expect((await split({ message_id: "x" })).status).toBe(422);
    const all = await split({ message_id: [String(one.message_id), String(two.message_id)] });
    expect(all.status).toBe(422);
    expect(await all.text()).toContain("leave at least one message");
    const foreign = await split({ message_id: String(other.message_id) });
    expect(foreign.status).toBe(409);
    expect((await browser.get("/inbox/conversations/999999/split")).status).toBe(404);
    expect((await browser.post("/inbox/conversation-moves/999999/undo", {})).status).toBe(404);
    expect(await world.harness.switchboard.store.db.select().from(conversationMoves)).toEqual([]);
  });

  it("offers the merge's undo on the conversation that took the messages, and restores both exactly", async () => {
    world = await identityWorld();
    const w = world;
    const db = w.harness.switchboard.store.db;
    const chat = await w.chat({ externalId: "tg-1", name: "Maria Lopez", email: "maria@lopez.example", verified: true }, "Billing problem");
    const shop = await w.shop({ id: "shop-maria", name: "Maria Lopez", email: "maria@lopez.example", verified: true }, "Order A-1001");
    expect(shop.conversation_id).not.toBe(chat.conversationId);
    await w.harness.drain();
    const before = await state(w);
    const browser = await w.browser();

    const merged = await browser.post(`/inbox/conversations/${shop.conversation_id}/actions/merge`, { into: String(chat.conversationId) });
    expect(merged.status).toBe(303);
    const [move] = await db.select().from(conversationMoves);
    expect(move).toMatchObject({ kind: "merge", sourceId: shop.conversation_id, targetId: chat.conversationId });
    const target = await (await browser.get(`/inbox/conversations/${chat.conversationId}`)).text();
    expect(target).toContain(`#${shop.conversation_id} was merged into this conversation`);
    expect(target).toContain(`action="/inbox/conversation-moves/${move!.id}/undo"`);

    const undone = await browser.post(`/inbox/conversation-moves/${move!.id}/undo`, {});
    expect(undone.status).toBe(303);
    expect(undone.headers.get("Location")).toBe(`/inbox/conversations/${shop.conversation_id}`);
    await w.harness.drain();
    expect(await state(w)).toEqual(before);
    const [back] = await db.select().from(conversations).where(eq(conversations.id, shop.conversation_id));
    expect(back!.mergedIntoId).toBeNull();
  });
});
