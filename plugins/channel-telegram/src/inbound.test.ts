// Telegram inbound through long polling against the fake Bot API: private chats, media through
// getFile, group mentions, edits, shared phone numbers, re-deliveries, restarts and failures.

import { createLogger } from "@switchboard/core";
import {
  createTestAgent,
  signInAgent,
  storedMessages,
  tables,
  waitFor,
  waitForMessages,
  writeFixturePlugin,
} from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ada, bob, startTelegramInbox, type TelegramInbox } from "../test-support/kit.ts";

let inbox: TelegramInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]);

describe("Telegram inbound (long polling)", () => {
  it("stores a private message as one conversation per person, after deleteWebhook and with the offset moved past it", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    world.say(world.privateChat(ada), ada, "Hello, is my order shipped?");
    world.say(world.privateChat(ada), ada, "It is order 42.");
    const [first, second] = await waitForMessages(inbox.harness, "tg", 2);
    expect(first).toMatchObject({ text: "Hello, is my order shipped?", externalId: "1001:1", channel: "telegram", direction: "incoming" });
    expect(second!.conversationId).toBe(first!.conversationId);
    const [contact] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.contacts)
      .where(eq(tables.contacts.id, first!.contactId));
    expect(contact!.name).toBe("Ada Lovelace");
    const [identity] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.contactId, contact!.id));
    expect(identity).toMatchObject({ channel: "telegram", externalId: "1001" });
    expect(first!.metadata).toMatchObject({ telegram: { chatId: 1001, chatType: "private", messageId: 1, username: "ada" } });

    const methods = world.calls.map((c) => c.method);
    expect(methods.slice(0, 3)).toEqual(["getMe", "deleteWebhook", "getUpdates"]);
    await inbox.telegram.waitForPoll();
    await waitFor(() => world.calls.some((c) => c.method === "getUpdates" && c.params.offset === 3));
    expect(world.pending).toHaveLength(0);
  });

  // 30 s: besides two messages it creates an agent and signs in (argon2 twice), slow on a loaded machine.
  it("stores a private chat's user id verified, as Telegram vouches for it, and shows the @username beside it", {
    timeout: 30_000,
  }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const { db } = inbox.harness.switchboard.store;
    world.say(world.privateChat(ada), ada, "Hello from a private chat");
    const [first] = await waitForMessages(inbox.harness, "tg", 1);
    const identity = async () => (await db.select().from(tables.identities).where(eq(tables.identities.contactId, first!.contactId)))[0];
    expect(await identity()).toMatchObject({ channel: "telegram", externalId: "1001", verified: true });
    // An id stored unverified before is verified by the next private message.
    // Through the store's writer: a direct write on the shared connection would wait, blocking the
    // thread, for a transaction the polling loop has open, which then cannot finish (SQLITE_BUSY).
    await inbox.harness.switchboard.store.write((tx) =>
      tx.update(tables.identities).set({ verified: false }).where(eq(tables.identities.contactId, first!.contactId)),
    );
    world.say(world.privateChat(ada), ada, "Me again");
    await waitForMessages(inbox.harness, "tg", 2);
    expect(await identity()).toMatchObject({ verified: true });

    const admin = await createTestAgent(inbox.harness, { name: "Admin", email: "admin@example.com", role: "admin" });
    const { cookie } = await signInAgent(inbox.harness.request, admin.email, "correct-horse-battery");
    const page = await (
      await inbox.harness.request(`/inbox/conversations/${first!.conversationId}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toMatch(
      /<span class="chan">telegram<\/span> 1001 <span class="handle">@ada<\/span>\s+<span class="badge"[^>]*>verified<\/span>/,
    );
  });

  it("downloads photos, documents, voice notes and stickers through getFile, and lists a file over max_file_bytes without bytes", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox({ max_file_bytes: 1000 });
    const { world } = inbox.telegram;
    const chat = world.privateChat(ada);
    const small = world.addFile(new Uint8Array([1]), "photos/small.jpg");
    const large = world.addFile(PNG, "photos/large.jpg");
    const pdf = world.addFile(new TextEncoder().encode("%PDF-1.7 invoice"), "documents/invoice.pdf");
    const voice = world.addFile(new Uint8Array([0x4f, 0x67, 0x67, 0x53]), "voice/file_3.oga");
    const sticker = world.addFile(new Uint8Array([0x52, 0x49, 0x46, 0x46]), "stickers/file_4.webp");
    const huge = world.addFile(new Uint8Array(5000), "documents/huge.zip");
    world.say(chat, ada, {
      caption: "The box arrived broken",
      photo: [
        { ...small, width: 90, height: 90 },
        { ...large, width: 800, height: 600 },
      ],
    });
    world.say(chat, ada, { document: { ...pdf, file_name: "invoice.pdf", mime_type: "application/pdf" } });
    world.say(chat, ada, { voice: { ...voice, duration: 3, mime_type: "audio/ogg" } });
    world.say(chat, ada, {
      sticker: { ...sticker, type: "regular", width: 512, height: 512, is_animated: false, is_video: false, emoji: "😢" },
    });
    world.say(chat, ada, { document: { ...huge, file_name: "logs.zip", mime_type: "application/zip" } });
    const rows = await waitForMessages(inbox.harness, "tg", 5);
    const files = await inbox.harness.switchboard.store.db.select().from(tables.attachments).orderBy(tables.attachments.id);
    expect(rows.map((r) => r.text)).toEqual(["The box arrived broken", "", "", "😢", ""]);
    expect(files.map((f) => [f.filename, f.contentType, f.size])).toEqual([
      [`photo-${large.file_unique_id}.jpg`, "image/jpeg", PNG.length],
      ["invoice.pdf", "application/pdf", 16],
      [`voice-${voice.file_unique_id}.ogg`, "audio/ogg", 4],
      [`sticker-${sticker.file_unique_id}.webp`, "image/webp", 4],
      ["logs.zip", "application/zip", 5000],
    ]);
    expect(new Uint8Array(files[0]!.data!)).toEqual(PNG);
    expect(Buffer.from(files[1]!.data!).toString()).toBe("%PDF-1.7 invoice");
    expect(files[4]!.data).toBeNull();
    expect(files.every((f) => f.url === null)).toBe(true);
    expect(rows[4]!.metadata).toMatchObject({
      telegram: { skippedFiles: [{ filename: "logs.zip", fileId: huge.file_id, reason: expect.stringContaining("max_file_bytes") }] },
    });
    expect(world.calls.filter((c) => c.method === "getFile").map((c) => c.params.file_id)).toEqual([
      large.file_id,
      pdf.file_id,
      voice.file_id,
      sticker.file_id,
    ]);
  });

  it("takes group messages that mention the bot or reply to it into one conversation named after the group, apart from private chats", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const group = world.group(-100_555, "Acme customers");
    world.say(group, ada, "Does anyone know when the shop opens?");
    world.say(group, ada, "@switchboard_test_bot my order 42 is late");
    const fromBot = world.botMessage(group, { text: "Which address did you order to?" });
    world.say(group, bob, { text: "Same for order 43", reply_to_message: fromBot });
    world.say(group, bob, "/help@switchboard_test_bot");
    world.say(world.privateChat(ada), ada, "Privately: my address is 1 Main St");
    const rows = await waitForMessages(inbox.harness, "tg", 4);
    expect(rows.map((r) => r.text)).toEqual([
      "@switchboard_test_bot my order 42 is late",
      "Same for order 43",
      "/help@switchboard_test_bot",
      "Privately: my address is 1 Main St",
    ]);
    const [mention, reply, command, direct] = rows;
    expect(new Set([mention!.conversationId, reply!.conversationId, command!.conversationId]).size).toBe(1);
    expect(mention!.contactId).not.toBe(reply!.contactId);
    expect(reply!.replyToExternalId).toBe(`-100555:${fromBot.message_id}`);
    expect(direct!.conversationId).not.toBe(mention!.conversationId);
    expect(direct!.contactId).toBe(mention!.contactId);
    const conversations = await inbox.harness.switchboard.store.db.select().from(tables.conversations).orderBy(tables.conversations.id);
    expect(conversations.map((c) => [c.threadKey, c.subject])).toEqual([
      ["-100555", "Acme customers"],
      ["1001", null],
    ]);
    expect(mention!.metadata).toMatchObject({ telegram: { chatTitle: "Acme customers", chatType: "supergroup" } });
  });

  it("updates an edited message and keeps the original in its history", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const sent = world.say(world.privateChat(ada), ada, "My order is 24");
    await waitForMessages(inbox.harness, "tg", 1);
    world.edit(sent, "My order is 42");
    const [row] = await waitFor(async () => {
      const rows = await storedMessages(inbox!.harness, "tg");
      return rows[0]?.text === "My order is 42" ? rows : undefined;
    });
    expect(row!.metadata).toMatchObject({ edits: [{ text: "My order is 24" }] });
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(1);
  });

  it("turns a person's own shared phone number into a verified E.164 phone identity that links to the same person on another channel", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const elsewhere = await inbox.harness.inject({
      externalId: "wa-1",
      contact: { externalId: "447700900123", phone: "+447700900123", verified: true },
      text: "Hi, from WhatsApp",
    });
    const chat = world.privateChat(ada);
    world.shareContact(chat, ada, "44 7700 900123");
    world.shareContact(chat, ada, "+1 415 555 0100", bob);
    const [own, other] = await waitForMessages(inbox.harness, "tg", 2);
    expect(own!.text).toBe("Shared their phone number: +447700900123");
    expect(other!.text).toBe("Shared a contact: Bob, +14155550100");
    expect(other!.metadata).toMatchObject({ telegram: { sharedContact: { name: "Bob", phone: "+14155550100", userId: bob.id } } });
    expect(elsewhere.status === "stored" && own!.contactId === elsewhere.contactId).toBe(true);
    const db = inbox.harness.switchboard.store.db;
    const [contact] = await db.select().from(tables.contacts).where(eq(tables.contacts.id, own!.contactId));
    expect(contact!.phone).toBe("+447700900123");
    const identities = await db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.contactId, contact!.id))
      .orderBy(tables.identities.id);
    expect(identities.map((i) => [i.channel, i.externalId, i.verified])).toEqual([
      ["test", "447700900123", true],
      ["phone", "+447700900123", true],
      ["telegram", "1001", true],
    ]);
  });

  it("stores a re-delivered update once, and resumes from the stored offset after a restart", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const chat = world.privateChat(ada);
    world.say(chat, ada, "first");
    await waitForMessages(inbox.harness, "tg", 1);
    const firstUpdate = world.calls.length;
    const adapter = inbox.harness.switchboard.inboxes.get("tg")!.adapter!;
    await adapter.stop!();
    const [offset] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.pluginKv)
      .where(eq(tables.pluginKv.key, "telegram.offset"));
    expect(offset).toMatchObject({ plugin: "inbox:tg", value: 2 });

    world.say(chat, ada, "second, sent while Switchboard was down");
    world.redeliver({ update_id: 1, message: world.message(chat.id, 1)! });
    await adapter.start!((message) => inbox!.harness.switchboard.ingest("tg", message), new AbortController().signal);
    const rows = await waitForMessages(inbox.harness, "tg", 2);
    await waitFor(() => world.pending.length === 0 || undefined);
    expect(rows.map((r) => r.text)).toEqual(["first", "second, sent while Switchboard was down"]);
    const resumed = world.calls.slice(firstUpdate).find((c) => c.method === "getUpdates");
    expect(resumed!.params.offset).toBe(2);
    await waitFor(
      async () =>
        (await storedMessages(inbox!.harness, "tg")).length === 2 &&
        world.calls.some((c) => c.method === "getUpdates" && c.params.offset === 4),
    );
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(2);
  });

  it("does not move past an update until it is stored: a failed store is fetched and stored again", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    const { client } = inbox.harness.switchboard.store;
    // The database refuses to store messages for a while, as a full disk would.
    await client.execute("CREATE TRIGGER disk_full BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    world.say(world.privateChat(ada), ada, "Are you there?");
    await waitFor(() => world.calls.filter((c) => c.method === "getUpdates" && c.params.offset === undefined).length >= 2);
    await client.execute("DROP TRIGGER disk_full");
    const [row] = await waitForMessages(inbox.harness, "tg", 1);
    expect(row!.text).toBe("Are you there?");
    await waitFor(async () => (await inbox!.harness.switchboard.inboxes.health("tg")).ok);
  });

  it("stores an update once and moves on when a plugin's normalise hook throws, logging the plugin and the hook", {
    timeout: 10_000,
  }, async () => {
    const logged: { plugin?: string; hook?: string; inbox?: string }[] = [];
    const log = createLogger({ level: "error", destination: { write: (line: string) => void logged.push(JSON.parse(line)) } });
    const broken = writeFixturePlugin(`ctx.inbound(() => { throw new Error("spam filter down"); });`, { name: "broken-filter" });
    inbox = await startTelegramInbox({}, { plugins: { broken: { package: broken } }, log });
    const { world } = inbox.telegram;
    world.say(world.privateChat(ada), ada, "Are you there?");
    world.say(world.privateChat(ada), ada, "Hello?");
    const rows = await waitForMessages(inbox.harness, "tg", 2);
    expect(rows.map((r) => r.text)).toEqual(["Are you there?", "Hello?"]);
    await waitFor(() => world.calls.some((c) => c.method === "getUpdates" && c.params.offset === 3));
    expect(world.calls.filter((c) => c.method === "getUpdates" && c.params.offset === undefined)).toHaveLength(1);
    expect(logged.filter((l) => l.plugin === "broken-filter")).toEqual([
      expect.objectContaining({ hook: "normalise", inbox: "tg" }),
      expect.objectContaining({ hook: "normalise", inbox: "tg" }),
    ]);
  });

  it("skips an update the inbound pipeline refuses, and goes on with the next", { timeout: 10_000 }, async () => {
    const refusing = writeFixturePlugin(`ctx.inbound((message) => (message.text === "poison" ? { ...message, contact: {} } : message));`, {
      name: "refusing",
    });
    inbox = await startTelegramInbox({}, { plugins: { refusing: { package: refusing } } });
    const { world } = inbox.telegram;
    world.say(world.privateChat(ada), ada, "poison");
    world.say(world.privateChat(ada), ada, "a normal message");
    const rows = await waitForMessages(inbox.harness, "tg", 1);
    expect(rows.map((r) => r.text)).toEqual(["a normal message"]);
    await waitFor(() => world.calls.some((c) => c.method === "getUpdates" && c.params.offset === 3));
  });
});
