// The live connection over real HTTP: agent replies arrive at once, a reconnect with the last seq
// seen gets exactly the entries missed (no loss, no repeat, in order), a retried delivery is shown
// once, and typing goes both ways (visitor → agents' "typing" event, agent "typing" → the widget).

import { DeliveryError, type SwitchboardEvent } from "@switchboard/core";
import { json, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type Kit, startKit } from "../test-support/kit.ts";
import type { SseEvent } from "../test-support/sse.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

type Sent = { message: { seq: number; conversation_id: number } };
const entry = (event: SseEvent) => JSON.parse(event.data) as { seq: number; id: string; text: string; author: string; agent_name?: string };
const messagesOf = (events: SseEvent[]) => events.filter((e) => e.event === "message").map(entry);

async function conversationOf(k: Kit, token: string, text: string) {
  const sent = await json<Sent>(k.say(token, text));
  if (sent.status !== 201) throw new Error(`send answered ${sent.status}`);
  return sent.body.message.conversation_id;
}

describe("agent replies", () => {
  it("reach every open tab of the visitor at once, with the agent's name", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await conversationOf(kit, token, "Hello?");
    const [tabA, tabB] = [await kit.stream(token), await kit.stream(token)];
    await Promise.all([tabA.waitFor((e) => e.event === "ready"), tabB.waitFor((e) => e.event === "ready")]);

    const [ada] = await kit.harness.switchboard.store.write((tx) =>
      tx.insert(tables.agents).values({ email: "ada@example.com", name: "Ada", passwordHash: "unused" }).returning(),
    );
    await kit.harness.switchboard.outbound.reply({ conversationId, text: "Hi! How can I help?", agentId: ada!.id });
    await kit.harness.drain();
    for (const tab of [tabA, tabB]) {
      const reply = entry(await tab.waitFor((e) => e.event === "message" && e.data.includes("How can I help")));
      expect(reply).toMatchObject({ seq: 2, author: "agent", agent_name: "Ada", id: expect.stringMatching(/^a-\d+$/) });
    }
    expect(kit.harness.sent).toHaveLength(0); // the "test" inbox sent nothing; webchat delivered it
    tabA.close();
    tabB.close();
  });

  it("missed while disconnected arrive on reconnect exactly once, in order, then live ones follow", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await conversationOf(kit, token, "first");
    const first = await kit.stream(token);
    await first.waitFor((e) => e.event === "ready");
    await kit.harness.switchboard.outbound.reply({ conversationId, text: "reply 1", agentId: null });
    await kit.harness.drain();
    await first.waitFor((e) => e.data.includes("reply 1"));
    const lastSeen = Math.max(...messagesOf(first.events).map((m) => m.seq));
    first.close();

    for (const text of ["missed 1", "missed 2", "missed 3"])
      await kit.harness.switchboard.outbound.reply({ conversationId, text, agentId: null });
    await kit.harness.drain();
    expect((await kit.say(token, "sent from another tab meanwhile")).status).toBe(201);

    const second = await kit.stream(token, lastSeen);
    const ready = await second.waitFor((e) => e.event === "ready");
    await kit.harness.switchboard.outbound.reply({ conversationId, text: "live after reconnect", agentId: null });
    await kit.harness.drain();
    await second.waitFor((e) => e.data.includes("live after reconnect"));

    const received = messagesOf(second.events);
    expect(received.map((m) => m.text)).toEqual([
      "missed 1",
      "missed 2",
      "missed 3",
      "sent from another tab meanwhile",
      "live after reconnect",
    ]);
    expect(received.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(JSON.parse(ready.data)).toEqual({ last_seq: 6 });
    expect(new Set(received.map((m) => m.id)).size).toBe(received.length);
    second.close();
  });

  it("are shown once when core retries a delivery", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await conversationOf(kit, token, "hi");
    const reply = await kit.harness.switchboard.outbound.reply({ conversationId, text: "only once please", agentId: null });
    await kit.harness.drain();
    // A crash after the log write but before core recorded the send: core sends the same message again (attempt 2).
    const inbox = kit.harness.switchboard.inboxes.get("site")!;
    const target = {
      inbox: "site",
      channel: "webchat",
      conversationId,
      threadKey: null,
      contact: { id: 1, externalId: undefined, name: null, email: null, phone: null },
      replyToExternalId: null,
    };
    const again = await inbox.adapter!.send(target, {
      id: reply.id,
      text: "only once please",
      html: null,
      attachments: [],
      agent: null,
      idempotencyKey: `swb-msg-${reply.id}`,
      attempt: 2,
    });
    expect(again).toEqual({ externalId: `webchat-out-${reply.id}` });
    const history = await json<{ messages: { text: string }[] }>(kit.call("/messages", { token }));
    expect(history.body.messages.map((m) => m.text)).toEqual(["hi", "only once please"]);
  });

  it("to a conversation with no webchat visitor fail at once with the reason", async () => {
    kit = await startKit();
    const inbox = kit.harness.switchboard.inboxes.get("site")!;
    const target = {
      inbox: "site",
      channel: "webchat",
      conversationId: 424242,
      threadKey: null,
      contact: { id: 1, externalId: "someone@example.com", name: null, email: null, phone: null },
      replyToExternalId: null,
    };
    const sending = inbox.adapter!.send(target, {
      id: 1,
      text: "x",
      html: null,
      attachments: [],
      agent: null,
      idempotencyKey: "k",
      attempt: 1,
    });
    await expect(sending).rejects.toBeInstanceOf(DeliveryError);
    await expect(sending).rejects.toMatchObject({ retryable: false, message: expect.stringContaining("no webchat visitor") });
  });
});

describe("read receipts", () => {
  it("mark the agent replies the visitor has seen as read in core, once", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await conversationOf(kit, token, "hi");
    const first = await kit.harness.switchboard.outbound.reply({ conversationId, text: "one", agentId: null });
    const second = await kit.harness.switchboard.outbound.reply({ conversationId, text: "two", agentId: null });
    await kit.harness.drain();
    const status = async (id: number) =>
      (await kit!.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id)))[0]!.deliveryStatus;
    const updated: number[] = [];
    kit.harness.switchboard.bus.on("message.updated", (event) => void updated.push(event.data.messageId));

    expect(await json(kit.call("/read", { token, body: { seq: 2 } }))).toMatchObject({ status: 200, body: { read: 1 } });
    expect([await status(first.id), await status(second.id)]).toEqual(["read", "sent"]);
    expect(await json(kit.call("/read", { token, body: { seq: 3 } }))).toMatchObject({ body: { read: 1 } });
    expect(await json(kit.call("/read", { token, body: { seq: 3 } }))).toMatchObject({ body: { read: 0 } });
    await kit.harness.drain();
    expect(updated).toEqual([first.id, second.id]);
    expect(await status(second.id)).toBe("read");
  });
});

describe("typing", () => {
  it("goes from the visitor to the agents, and from an agent to the visitor", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await conversationOf(kit, token, "hi");
    const seen: SwitchboardEvent<"typing">[] = [];
    kit.harness.switchboard.bus.on("typing", (event) => void seen.push(event));

    expect((await kit.call("/typing", { token, method: "POST" })).status).toBe(204);
    await kit.harness.drain();
    expect(seen.map((e) => e.data)).toEqual([{ conversationId, who: "contact" }]);
    expect((await kit.call("/typing", { token, method: "POST" })).status).toBe(204); // within 2 s: not passed on again
    await kit.harness.drain();
    expect(seen).toHaveLength(1);

    const live = await kit.stream(token);
    await live.waitFor((e) => e.event === "ready");
    kit.harness.switchboard.bus.publish("typing", { conversationId, who: "agent", agentId: 1 });
    const typing = await live.waitFor((e) => e.event === "typing");
    expect(JSON.parse(typing.data)).toEqual({ who: "agent" });
    live.close();
  });
});
