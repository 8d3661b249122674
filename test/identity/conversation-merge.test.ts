// Merging two conversations of one customer over REST, on conversations built through real
// channels (the harness's test inbox and the API channel over HTTP): messages, labels and SLA
// clocks move; nothing behaves like a resolution (no survey, no follow-up, no SLA "hit"); undo
// restores every table exactly.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { SwitchboardEvent } from "../../core/src/events/types.ts";
import { auditLog, conversationLabels, conversations, jobs, labels, messages, slaClocks } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld, snapshot } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

/** Surveys and follow-ups on, so a merge that behaved like a resolution would show. */
const AUTOMATIONS = {
  automations: { enabled: true, acknowledgement: { enabled: false }, out_of_hours: { enabled: false }, faq: { enabled: false } },
};

/** One customer (verified email on both channels): a chat conversation, then a linked shop conversation with a label. */
async function twoConversations(w: IdentityWorld) {
  const chat = await w.chat({ externalId: "tg-1", name: "Maria Lopez", email: "maria@lopez.example", verified: true }, "Billing problem");
  const shop = await w.shop(
    { id: "shop-maria", name: "Maria Lopez", email: "maria@lopez.example", verified: true },
    "Order A-1001 billed twice",
  );
  expect(shop.contact_id).toBe(chat.contactId);
  expect(shop.conversation_id).not.toBe(chat.conversationId);
  await w.harness.switchboard.store.write(async (tx) => {
    const [label] = await tx.insert(labels).values({ name: "billing" }).returning();
    await tx.insert(conversationLabels).values({ conversationId: shop.conversation_id, labelId: label!.id });
  });
  await w.harness.drain();
  return { chat, shop };
}

describe("conversation merge", () => {
  it("moves messages, labels and clocks, sends no survey, schedules no follow-up, records no SLA hit; undo restores every table", async () => {
    world = await identityWorld({ config: AUTOMATIONS });
    const { chat, shop } = await twoConversations(world);
    const db = world.harness.switchboard.store.db;
    const events: SwitchboardEvent[] = [];
    world.harness.switchboard.bus.on("*", (e) => void events.push(e));
    const before = await snapshot(world.harness);
    const jobsBefore = await db.select().from(jobs);
    const shopClocks = await db.select().from(slaClocks).where(eq(slaClocks.conversationId, shop.conversation_id));
    expect(shopClocks.length).toBeGreaterThan(0);

    const res = await world.api(`/api/v1/conversations/${shop.conversation_id}/merge`, {
      method: "POST",
      body: { into: chat.conversationId },
    });
    expect(res.status).toBe(201);
    const move = await res.json();
    expect(move).toMatchObject({
      kind: "merge",
      source_id: shop.conversation_id,
      target_id: chat.conversationId,
      moved: { messages: 1, labels: 1 },
    });
    await world.harness.drain();

    expect(events.map((e) => e.name)).not.toContain("conversation.status_changed");
    expect(events.find((e) => e.name === "conversation.merged")?.data).toMatchObject({ moveId: move.id });
    expect(world.harness.sent).toEqual([]); // no survey (sent at once by default) on either channel
    const [source] = await db.select().from(conversations).where(eq(conversations.id, shop.conversation_id));
    expect(source).toMatchObject({ status: "resolved", mergedIntoId: chat.conversationId, slaDueAt: null });
    const moved = await db.select().from(messages).where(eq(messages.conversationId, chat.conversationId));
    expect(moved.map((m) => m.text)).toEqual(
      expect.arrayContaining([
        "Billing problem",
        "Order A-1001 billed twice",
        `Conversation #${shop.conversation_id} merged into this one by Ada Admin`,
      ]),
    );
    expect(await db.select().from(conversationLabels).where(eq(conversationLabels.conversationId, chat.conversationId))).toHaveLength(1);
    const clocks = await db.select().from(slaClocks);
    expect(clocks.every((k) => k.conversationId === chat.conversationId)).toBe(true);
    expect(clocks.some((k) => k.outcome === "hit")).toBe(false);
    // Both had a resolution clock: the chat's (started first) keeps counting, the shop's is cancelled.
    // (The customer's first-response wait is the case's, on the chat, where they first wrote.)
    const byTarget = (target: string) => clocks.filter((k) => k.target === target).map((k) => [k.stoppedAt === null, k.outcome]);
    expect(byTarget("resolution")).toEqual([
      [true, null],
      [false, "cancelled"],
    ]);
    expect(byTarget("first_response")).toEqual([[true, null]]);
    // No follow-up (nor any other automation) scheduled.
    const automationJobs = (await db.select().from(jobs)).filter((j) => j.kind.startsWith("core:automation"));
    expect(automationJobs.filter((j) => !jobsBefore.some((b) => b.id === j.id))).toEqual([]);

    const undone = await world.api(`/api/v1/conversation-moves/${move.id}/undo`, { method: "POST" });
    expect(undone.status).toBe(200);
    expect((await undone.json()).undone_by).toMatch(/^agent:\d+$/);
    expect(await snapshot(world.harness)).toEqual(before);
    const audit = await db.select().from(auditLog);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["conversation.merged", "conversation.unmerged"]));
    expect(events.map((e) => e.name)).toContain("conversation.unmerged");
    expect((await world.api(`/api/v1/conversation-moves/${move.id}/undo`, { method: "POST" })).status).toBe(409);
  });

  it("answers bad merges with a 4xx and a reason", async () => {
    world = await identityWorld();
    const { chat, shop } = await twoConversations(world);
    const other = await world.shop({ id: "shop-other", name: "Someone Else" }, "hello");
    const self = await world.api(`/api/v1/conversations/${chat.conversationId}/merge`, {
      method: "POST",
      body: { into: chat.conversationId },
    });
    expect(self.status).toBe(422);
    const stranger = await world.api(`/api/v1/conversations/${other.conversation_id}/merge`, {
      method: "POST",
      body: { into: chat.conversationId },
    });
    expect(stranger.status).toBe(422);
    expect((await stranger.json()).error.message).toContain("Merge the contacts first");
    expect(
      (await world.api(`/api/v1/conversations/${shop.conversation_id}/merge`, { method: "POST", body: { into: 99_999 } })).status,
    ).toBe(404);
    expect((await world.api(`/api/v1/conversations/${shop.conversation_id}/merge`, { method: "POST", body: { into: "x" } })).status).toBe(
      422,
    );
    expect(
      (await world.api(`/api/v1/conversations/${shop.conversation_id}/merge`, { method: "POST", body: { into: chat.conversationId } }))
        .status,
    ).toBe(201);
    const twice = await world.api(`/api/v1/conversations/${shop.conversation_id}/merge`, {
      method: "POST",
      body: { into: chat.conversationId },
    });
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.message).toContain("undo that merge first");
  });
});
