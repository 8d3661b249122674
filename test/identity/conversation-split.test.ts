// Splitting selected messages of a conversation into a new one over REST, on a conversation built
// through a real channel (the API channel over HTTP): the new conversation has the messages, its own
// status, no assignee and its own SLA clocks; undo puts everything back exactly.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversations, messages, slaClocks } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld, snapshot } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

describe("conversation split", () => {
  it("moves the selected messages into a new conversation with its own status, assignee and SLA; undo restores every table", async () => {
    world = await identityWorld();
    const w = world;
    const db = w.harness.switchboard.store.db;
    const first = await w.shop({ id: "shop-kim", name: "Kim" }, "My parcel is late");
    const reply = await w.api(`/api/v1/conversations/${first.conversation_id}/messages`, { method: "POST", body: { text: "On its way" } });
    expect(reply.status).toBe(201);
    const topic = await w.shop({ id: "shop-kim", name: "Kim" }, "Also: how do I change my address?");
    const more = await w.shop({ id: "shop-kim", name: "Kim" }, "The new one is Main St 5");
    expect(topic.conversation_id).toBe(first.conversation_id);
    await w.harness.drain();
    const before = await snapshot(w.harness);

    const res = await w.api(`/api/v1/conversations/${first.conversation_id}/split`, {
      method: "POST",
      body: { message_ids: [topic.message_id, more.message_id] },
    });
    expect(res.status).toBe(201);
    const move = await res.json();
    expect(move).toMatchObject({ kind: "split", source_id: first.conversation_id, moved: { messages: 2 } });
    await w.harness.drain();
    const [created] = await db.select().from(conversations).where(eq(conversations.id, move.target_id));
    expect(created).toMatchObject({ contactId: first.contact_id, inbox: "shop", status: "open", assigneeId: null });
    const moved = await db.select().from(messages).where(eq(messages.conversationId, move.target_id));
    expect(moved.map((m) => m.text)).toEqual([
      "Also: how do I change my address?",
      "The new one is Main St 5",
      expect.stringMatching(/^Split from #\d+ by Ada Admin$/),
    ]);
    const clocks = await db.select().from(slaClocks).where(eq(slaClocks.conversationId, move.target_id));
    expect(clocks.map((k) => [k.target, k.stoppedAt === null]).sort()).toEqual([
      ["first_response", true],
      ["resolution", true],
    ]);
    const left = await db.select().from(messages).where(eq(messages.conversationId, first.conversation_id));
    expect(left.map((m) => m.text)).toContain("My parcel is late");
    expect(left.map((m) => m.text)).not.toContain("The new one is Main St 5");

    const undone = await w.api(`/api/v1/conversation-moves/${move.id}/undo`, { method: "POST" });
    expect(undone.status).toBe(200);
    await w.harness.drain();
    expect(await snapshot(w.harness)).toEqual(before);
    expect((await w.api(`/api/v1/conversation-moves/${move.id}/undo`, { method: "POST" })).status).toBe(409);
  });

  it("answers bad splits with a 4xx and a reason", async () => {
    world = await identityWorld();
    const one = await world.shop({ id: "shop-lee", name: "Lee" }, "hello");
    const two = await world.shop({ id: "shop-lee", name: "Lee" }, "again");
    const other = await world.shop({ id: "shop-max", name: "Max" }, "me too");
    const split = (body: unknown) => world!.api(`/api/v1/conversations/${one.conversation_id}/split`, { method: "POST", body });
    expect((await split({ message_ids: [] })).status).toBe(422);
    const all = await split({ message_ids: [one.message_id, two.message_id] });
    expect(all.status).toBe(422);
    expect((await all.json()).error.message).toContain("leave at least one message");
    const foreign = await split({ message_ids: [other.message_id] });
    expect(foreign.status).toBe(409);
    expect((await foreign.json()).error.message).toContain(`is not in conversation #${one.conversation_id}`);
    expect((await split({ message_ids: ["x"] })).status).toBe(422);
  });
});
