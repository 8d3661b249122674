// Discord outbound through the outbox against the fake REST API: replies to the same thread or DM
// channel, files, long texts, a 429 honoured on the harness clock, permanent refusals.

import { type Harness, storedMessages, tables, waitForMessages } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordWorld } from "../test-support/fake/index.ts";
import { type DiscordInbox, startDiscordInbox } from "../test-support/kit.ts";

let inbox: DiscordInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function messageRow(harness: Harness, id: number) {
  const [row] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id));
  return row!;
}

describe("Discord outbound", () => {
  it("replies in the same thread, without pinging anyone, and does not take its own message back in", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const ada = world.user("ada");
    const { thread } = world.startThread(inbox.guild.forum, ada, "Order 42", "Where is it?");
    const [incoming] = await waitForMessages(inbox.harness, "dc", 1);
    const reply = await inbox.harness.switchboard.outbound.reply({
      conversationId: incoming!.conversationId,
      text: "It ships today @everyone",
      agentId: null,
    });
    await inbox.harness.drain();
    expect(world.sent).toHaveLength(1);
    expect(world.sent[0]).toMatchObject({
      channelId: thread.id,
      body: { content: "It ships today @everyone", allowed_mentions: { parse: [] } },
    });
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({ deliveryStatus: "sent", externalId: world.sent[0]!.message.id });
    world.say(thread, ada, "Thanks!");
    const rows = await waitForMessages(inbox.harness, "dc", 3);
    expect(rows.filter((r) => r.direction === "incoming").map((r) => r.text)).toEqual(["Where is it?", "Thanks!"]);
  });

  it("replies to a DM in its DM channel, with files uploaded", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const ada = world.user("ada");
    world.dm(ada, "Send me the label please");
    const [incoming] = await waitForMessages(inbox.harness, "dc", 1);
    await inbox.harness.switchboard.outbound.reply({
      conversationId: incoming!.conversationId,
      text: "Here it is",
      agentId: null,
      attachments: [{ filename: "label.pdf", contentType: "application/pdf", size: 8, data: Buffer.from("%PDF-1.7").toString("base64") }],
    });
    await inbox.harness.drain();
    expect(world.sent).toHaveLength(1);
    expect(world.sent[0]!.channelId).toBe(world.dmChannel(ada).id);
    expect(world.sent[0]!.body).toMatchObject({ content: "Here it is", attachments: [{ id: 0, filename: "label.pdf" }] });
    expect(world.sent[0]!.files.map((f) => [f.name, Buffer.from(f.bytes).toString()])).toEqual([["label.pdf", "%PDF-1.7"]]);
  });

  it("splits a reply over 2000 characters into several messages", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    world.dm(world.user("ada"), "Tell me everything");
    const [incoming] = await waitForMessages(inbox.harness, "dc", 1);
    const text = Array.from({ length: 3 }, (_, i) => `Part ${i}: ${"details ".repeat(200).trim()}`).join("\n\n");
    await inbox.harness.switchboard.outbound.reply({ conversationId: incoming!.conversationId, text, agentId: null });
    await inbox.harness.drain();
    const parts = world.sent.map((s) => String(s.body.content));
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join("\n\n")).toBe(text);
  });

  it("retries a 429 after Discord's retry_after through the outbox", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    world.dm(world.user("ada"), "Hello?");
    const [incoming] = await waitForMessages(inbox.harness, "dc", 1);
    world.failNext("POST /channels/", DiscordWorld.rateLimited(0.25));
    const reply = await inbox.harness.switchboard.outbound.reply({ conversationId: incoming!.conversationId, text: "Hi!", agentId: null });
    const attempts = () => world.calls.filter((c) => c.method === "POST" && c.path.endsWith("/messages")).length;

    await inbox.harness.drain();
    expect(attempts()).toBe(1);
    const [outbox] = await inbox.harness.switchboard.store.db.select().from(tables.outbox).where(eq(tables.outbox.messageId, reply.id));
    const delay = outbox!.nextAttemptAt - inbox.harness.clock.now();
    // Retry-After is whole seconds (1 for 0.25 s); discord.js adds its 50 ms offset.
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(1100);
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "queued",
      deliveryError: expect.stringContaining("rate limiting"),
    });
    inbox.harness.clock.advance(delay - 1);
    await inbox.harness.drain();
    expect(attempts()).toBe(1);
    await Bun.sleep(300); // discord.js keeps its own view of the bucket (reset after 0.25 s of real time)
    inbox.harness.clock.advance(1);
    await inbox.harness.drain();
    expect(attempts()).toBe(2);
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({ deliveryStatus: "sent", deliveryError: null });
  });

  it("fails at once when the person does not accept DMs, saying why", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const ada = world.user("ada");
    world.dm(ada, "bye");
    const [incoming] = await waitForMessages(inbox.harness, "dc", 1);
    world.closedDms.add(ada.id);
    const reply = await inbox.harness.switchboard.outbound.reply({
      conversationId: incoming!.conversationId,
      text: "One more thing",
      agentId: null,
    });
    await inbox.harness.drain();
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: expect.stringContaining("does not accept direct messages"),
    });
    expect(await storedMessages(inbox.harness, "dc")).toHaveLength(2);
  });
});
