// One case across channels, through real channels (the harness's test inbox, and the API channel
// over HTTP): a conversation linked to the customer's conversation on another channel joins its
// case; an agent reply on either answers the customer's wait on both (first response counted once,
// where the customer first wrote); the case has one status, and resolving can take all of it.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { cases, conversations, slaClocks } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

const maria = { name: "Maria Lopez", email: "maria@lopez.example", verified: true };
const HOUR = 3_600_000;
/** A Saturday: outside the default business hours, so no clock breaches while the test moves time on. */
const SATURDAY_NOON = Date.UTC(2026, 11, 5, 12);

async function clocksOf(w: IdentityWorld, conversationId: number) {
  const rows = await w.harness.switchboard.store.db.select().from(slaClocks).where(eq(slaClocks.conversationId, conversationId));
  return rows.map((k) => ({ target: k.target, running: k.stoppedAt === null, outcome: k.outcome }));
}

describe("a case across channels", () => {
  it("answers the wait on every channel with one reply, counts first response once, and resolves as one", async () => {
    world = await identityWorld({ now: SATURDAY_NOON });
    const w = world;
    const chat = await w.chat({ externalId: "tg-maria", ...maria }, "Billing problem with order A-1001");
    w.harness.clock.advance(HOUR);
    const shop = await w.shop({ id: "shop-maria", ...maria }, "Writing from the shop about A-1001");
    await w.harness.drain();
    expect(shop.contact_id).toBe(chat.contactId);
    const db = w.harness.switchboard.store.db;
    const [linked] = await db.select().from(conversations).where(eq(conversations.id, shop.conversation_id));
    expect(linked).toMatchObject({ linkedConversationId: chat.conversationId, caseId: chat.conversationId });

    // The customer waits since the chat message: the shop conversation starts no response clock of its own.
    expect(await clocksOf(w, chat.conversationId)).toEqual(
      expect.arrayContaining([{ target: "first_response", running: true, outcome: null }]),
    );
    expect(await clocksOf(w, shop.conversation_id)).toEqual([{ target: "resolution", running: true, outcome: null }]);

    // The agent answers on the shop: the chat's first-response clock stops as a hit.
    w.harness.clock.advance(5 * 60_000);
    const reply = await w.api(`/api/v1/conversations/${shop.conversation_id}/messages`, {
      method: "POST",
      body: { text: "Refund on its way" },
    });
    expect(reply.status).toBe(201);
    await w.harness.drain();
    expect(await clocksOf(w, chat.conversationId)).toEqual(
      expect.arrayContaining([{ target: "first_response", running: false, outcome: "hit" }]),
    );
    const [stored] = await db.select().from(cases).where(eq(cases.id, chat.conversationId));
    expect(stored).toMatchObject({ channel: "test", status: "open", resolvedAt: null });
    expect(stored!.firstResponseAt).toBe((await reply.json()).created_at);

    // The customer writes again on the chat; the next answer, on the shop again, stops that wait too.
    w.harness.clock.advance(HOUR);
    await w.chat({ externalId: "tg-maria", ...maria }, "Thanks, and the second invoice?");
    await w.harness.drain();
    expect(await clocksOf(w, chat.conversationId)).toEqual(
      expect.arrayContaining([{ target: "next_response", running: true, outcome: null }]),
    );
    await w.api(`/api/v1/conversations/${shop.conversation_id}/messages`, { method: "POST", body: { text: "That one too" } });
    await w.harness.drain();
    expect(await clocksOf(w, chat.conversationId)).toEqual(
      expect.arrayContaining([{ target: "next_response", running: false, outcome: "hit" }]),
    );
    expect((await clocksOf(w, shop.conversation_id)).filter((k) => k.target !== "resolution")).toEqual([]);

    // One status: resolving one conversation leaves the case open; the case route resolves the rest.
    const patched = await w.api(`/api/v1/conversations/${chat.conversationId}`, { method: "PATCH", body: { status: "resolved" } });
    expect((await patched.json()).case_id).toBe(chat.conversationId);
    await w.harness.drain();
    const open = await (await w.api(`/api/v1/cases/${chat.conversationId}`)).json();
    expect(open).toMatchObject({ id: chat.conversationId, channel: "test", status: "open", resolved_at: null });
    expect(open.conversations.map((c: { id: number; status: string }) => [c.id, c.status])).toEqual([
      [chat.conversationId, "resolved"],
      [shop.conversation_id, "open"],
    ]);
    w.harness.clock.advance(60_000);
    const resolved = await w.api(`/api/v1/cases/${chat.conversationId}/resolve`, { method: "POST" });
    expect(resolved.status).toBe(200);
    const after = await resolved.json();
    expect(after).toMatchObject({ status: "resolved", resolved_at: w.harness.clock.now() });
    expect(after.conversations.every((c: { status: string }) => c.status === "resolved")).toBe(true);

    // A new message on either channel reopens the conversation, and so the case.
    await w.shop({ id: "shop-maria", ...maria }, "One more thing");
    await w.harness.drain();
    expect((await (await w.api(`/api/v1/cases/${chat.conversationId}`)).json()).status).toBe("open");
    expect((await w.api("/api/v1/cases/99999")).status).toBe(404);
  });

  it("shows the case's conversations together in the inbox, and resolves the whole case from there", async () => {
    world = await identityWorld({ now: SATURDAY_NOON });
    const chat = await world.chat({ externalId: "tg-maria", ...maria }, "Billing problem");
    const shop = await world.shop({ id: "shop-maria", ...maria }, "Same problem, from the shop");
    const browser = await world.browser();
    const base = `/inbox/conversations/${shop.conversation_id}`;
    const page = await (await browser.get(base)).text();
    expect(page).toContain(`Case #${chat.conversationId}`);
    expect(page).toContain(`<a href="/inbox/conversations/${chat.conversationId}">`);
    expect(page).toContain("Resolve the whole case (1 more open)");
    expect((await browser.post(`${base}/case/resolve`, {})).status).toBe(303);
    await world.harness.drain();
    const db = world.harness.switchboard.store.db;
    expect((await db.select().from(conversations)).map((c) => c.status)).toEqual(["resolved", "resolved"]);
    expect((await db.select().from(cases))[0]).toMatchObject({ id: chat.conversationId, status: "resolved" });
    const after = await (await browser.get(base)).text();
    expect(after).not.toContain("Resolve the whole case");
  });

  it("leaves an unlinked conversation out of any case", async () => {
    world = await identityWorld({ config: { identity: { cross_channel: "off" } } });
    const chat = await world.chat({ externalId: "tg-maria", ...maria }, "hello");
    const shop = await world.shop({ id: "shop-maria", ...maria }, "hello again");
    const rows = await world.harness.switchboard.store.db.select().from(conversations);
    expect(rows.map((c) => [c.id, c.caseId])).toEqual([
      [chat.conversationId, null],
      [shop.conversation_id, null],
    ]);
    expect(await world.harness.switchboard.store.db.select().from(cases)).toEqual([]);
  });
});
