// Telegram outbound through the outbox against the fake Bot API: text and files, reply_parameters
// threading, 429 retry_after honoured on the harness clock, permanent refusals, long texts.

import { type Harness, tables, waitForMessages } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ada, startTelegramInbox, type TelegramInbox } from "../test-support/kit.ts";

let inbox: TelegramInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/** A customer message in through polling; returns its conversation id. */
async function conversationFrom(text: string, inGroup = false): Promise<number> {
  const { world } = inbox!.telegram;
  const chat = inGroup ? world.group(-100_777, "Acme customers") : world.privateChat(ada);
  world.say(chat, ada, inGroup ? `@switchboard_test_bot ${text}` : text);
  const [row] = await waitForMessages(inbox!.harness, "tg", 1);
  return row!.conversationId;
}

async function messageRow(harness: Harness, id: number) {
  const [row] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id));
  return row!;
}

describe("Telegram outbound", () => {
  it("sends a reply as plain text, quoting the customer's message in a group but not in a private chat", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const group = await conversationFrom("my order is late", true);
    const reply = await inbox.harness.switchboard.outbound.reply({
      conversationId: group,
      text: "Sorry! *It ships* <today>.",
      agentId: null,
    });
    await inbox.harness.drain();
    expect(world.sent).toHaveLength(1);
    expect(world.sent[0]!.message).toMatchObject({
      chat: { id: -100_777 },
      text: "Sorry! *It ships* <today>.",
      reply_to_message: { message_id: 1 },
    });
    expect(world.sent[0]!.params).toMatchObject({ reply_parameters: { message_id: 1, allow_sending_without_reply: true } });
    expect(world.sent[0]!.params.parse_mode).toBeUndefined();
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "sent",
      externalId: `-100777:${world.sent[0]!.message.message_id}`,
    });

    world.say(world.privateChat(ada), ada, "and privately?");
    const rows = await waitForMessages(inbox.harness, "tg", 3);
    await inbox.harness.switchboard.outbound.reply({ conversationId: rows[2]!.conversationId, text: "Yes, here.", agentId: null });
    await inbox.harness.drain();
    expect(world.sent[1]!.message).toMatchObject({ chat: { id: ada.id }, text: "Yes, here." });
    expect(world.sent[1]!.params.reply_parameters).toBeUndefined();
  });

  it("keeps a forum topic as its own conversation and replies into that topic", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const forum = world.group(-100_888, "Acme forum");
    world.say(forum, ada, { text: "@switchboard_test_bot billing question", message_thread_id: 7, is_topic_message: true });
    world.say(forum, ada, "@switchboard_test_bot general question");
    const [topic, general] = await waitForMessages(inbox.harness, "tg", 2);
    expect(topic!.conversationId).not.toBe(general!.conversationId);
    await inbox.harness.switchboard.outbound.reply({ conversationId: topic!.conversationId, text: "About billing:", agentId: null });
    await inbox.harness.drain();
    expect(world.sent[0]!.params).toMatchObject({ chat_id: -100_888, message_thread_id: 7, reply_parameters: { message_id: 1 } });
  });

  it('quotes in private chats too with reply_threading = "always"', { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox({ reply_threading: "always" });
    const conversationId = await conversationFrom("hello");
    await inbox.harness.switchboard.outbound.reply({ conversationId, text: "Hi Ada", agentId: null });
    await inbox.harness.drain();
    expect(inbox.telegram.world.sent[0]!.message).toMatchObject({
      chat: { id: ada.id },
      reply_to_message: { message_id: 1, text: "hello" },
    });
  });

  it("uploads attachments: an image with sendPhoto, anything else with sendDocument", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const conversationId = await conversationFrom("send me the invoice");
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9]);
    await inbox.harness.switchboard.outbound.reply({
      conversationId,
      text: "Here you go",
      agentId: null,
      attachments: [
        { filename: "label.png", contentType: "image/png", size: png.length, data: png.toString("base64") },
        { filename: "invoice 42.pdf", contentType: "application/pdf", size: 8, data: Buffer.from("%PDF-1.7").toString("base64") },
      ],
    });
    await inbox.harness.drain();
    const { sent } = inbox.telegram.world;
    expect(sent.map((s) => s.method)).toEqual(["sendMessage", "sendPhoto", "sendDocument"]);
    expect(sent[1]!.uploads).toEqual([{ field: "photo", filename: "label.png", bytes: new Uint8Array(png) }]);
    expect(sent[2]!.uploads[0]).toMatchObject({ field: "document", filename: "invoice 42.pdf" });
    expect(Buffer.from(sent[2]!.uploads[0]!.bytes).toString()).toBe("%PDF-1.7");
  });

  it("honours a 429 retry_after through the outbox, on the harness clock", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const conversationId = await conversationFrom("hello?");
    world.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
    const reply = await inbox.harness.switchboard.outbound.reply({ conversationId, text: "Hi!", agentId: null });
    const attempts = () => world.calls.filter((c) => c.method === "sendMessage").length;

    await inbox.harness.drain();
    expect(attempts()).toBe(1);
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "queued",
      deliveryError: expect.stringContaining("retrying in 7 s"),
    });
    inbox.harness.clock.advance(6_999);
    await inbox.harness.drain();
    expect(attempts()).toBe(1);
    inbox.harness.clock.advance(1);
    await inbox.harness.drain();
    expect(attempts()).toBe(2);
    expect(world.sent).toHaveLength(1);
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({ deliveryStatus: "sent", deliveryError: null });
  });

  it("fails at once when the customer blocked the bot, saying so", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const conversationId = await conversationFrom("bye");
    inbox.telegram.world.blocked.add(ada.id);
    const reply = await inbox.harness.switchboard.outbound.reply({ conversationId, text: "Anything else?", agentId: null });
    await inbox.harness.drain();
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: expect.stringContaining("The customer blocked the bot"),
    });
    expect(inbox.telegram.world.calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
  });

  it("splits a reply over 4096 characters into several messages, and after a 429 halfway sends only the rest", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const conversationId = await conversationFrom("tell me everything");
    const paragraph = "All about your order. ".repeat(160).trim();
    const text = Array.from({ length: 4 }, () => paragraph).join("\n\n");
    expect(text.length).toBeGreaterThan(2 * 4096);
    world.failNext("sendMessage", null, {
      error_code: 429,
      description: "Too Many Requests: retry after 2",
      parameters: { retry_after: 2 },
    });
    const reply = await inbox.harness.switchboard.outbound.reply({ conversationId, text, agentId: null });
    await inbox.harness.drain();
    expect(world.sent).toHaveLength(1);
    inbox.harness.clock.advance(2_000);
    await inbox.harness.drain();
    const parts = world.sent.map((s) => s.message.text ?? "");
    expect(parts.length).toBe(4);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("\n\n")).toBe(text);
    expect(world.calls.filter((c) => c.method === "sendMessage")).toHaveLength(5);
    expect(await messageRow(inbox.harness, reply.id)).toMatchObject({
      deliveryStatus: "sent",
      externalId: `${ada.id}:${world.sent[0]!.message.message_id}`,
    });
    expect(
      await inbox.harness.switchboard.store.db
        .select()
        .from(tables.pluginKv)
        .where(eq(tables.pluginKv.key, `outbound:swb-msg-${reply.id}`)),
    ).toEqual([]);
  });

  it('with long_text = "refuse", refuses an over-long reply in the composer with the limit', { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox({ long_text: "refuse" });
    const conversationId = await conversationFrom("hi");
    await expect(inbox.harness.switchboard.outbound.reply({ conversationId, text: "x".repeat(4097), agentId: null })).rejects.toMatchObject(
      {
        code: "SWB_ERR_VALIDATION",
        message: expect.stringContaining("at most 4096"),
      },
    );
    expect(inbox.harness.switchboard.inboxes.get("tg")!.adapter!.limits).toEqual({ maxTextLength: 4096 });
  });
});
