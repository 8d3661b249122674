// Discord inbound through the fake gateway: the handshake, DMs, support threads and forum posts
// with several participants, attachments and embeds, edits, and what is ignored.

import { storedMessages, tables, waitFor, waitForMessages } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type DiscordInbox, startDiscordInbox } from "../test-support/kit.ts";

let inbox: DiscordInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("Discord inbound (gateway)", () => {
  it("completes the gateway handshake with the documented intents and answers heartbeats", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox({}, { heartbeatIntervalMs: 40 });
    const [session] = inbox.discord.sessions;
    expect(session!.identify).toMatchObject({ token: inbox.discord.token, intents: 37377 });
    expect(inbox.discord.world.calls[0]).toMatchObject({ method: "GET", path: "/gateway/bot" });
    await waitFor(() => session!.heartbeats >= 2);
    expect(inbox.harness.switchboard.inboxes.get("dc")!.state).toBe("running");
    expect(await inbox.harness.switchboard.inboxes.health("dc")).toEqual({ ok: true });
  });

  it("maps each DM channel to its person: one conversation, the author as contact", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const ada = world.user("ada", "Ada Lovelace");
    const first = world.dm(ada, "Hi, my order 42 is late");
    world.dm(ada, "Are you there?");
    const rows = await waitForMessages(inbox.harness, "dc", 2);
    const dmChannel = world.dmChannel(ada).id;
    expect(rows.map((r) => [r.text, r.externalId])).toEqual([
      ["Hi, my order 42 is late", first.id],
      ["Are you there?", expect.any(String)],
    ]);
    expect(rows[1]!.conversationId).toBe(rows[0]!.conversationId);
    const db = inbox.harness.switchboard.store.db;
    const [conversation] = await db.select().from(tables.conversations).where(eq(tables.conversations.id, rows[0]!.conversationId));
    expect(conversation).toMatchObject({ threadKey: dmChannel, channel: "discord", subject: null });
    const [contact] = await db.select().from(tables.contacts).where(eq(tables.contacts.id, rows[0]!.contactId));
    expect(contact!.name).toBe("Ada Lovelace");
    const [identity] = await db.select().from(tables.identities).where(eq(tables.identities.contactId, contact!.id));
    expect(identity).toMatchObject({ channel: "discord", externalId: ada.id });
  });

  it("makes each support thread one conversation with many participants, and ignores everything else", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const { guild, text, forum } = inbox.guild;
    const ada = world.user("ada");
    const bob = world.user("bob", "Bob");
    const other = world.guild("Elsewhere").text;
    world.say(text, ada, "Top-level message in the support channel");
    world.say(other, ada, "A message in a channel nobody watches");
    world.say(text, { ...world.user("helper-bot"), bot: true }, "I am a bot");
    const { thread } = world.startThread(forum, ada, "Order 42 never arrived", "I ordered two weeks ago.");
    world.say(thread, bob, "Same here with order 43");
    world.say(thread, ada, "Any news?");
    const rows = await waitForMessages(inbox.harness, "dc", 3);
    expect(rows.map((r) => r.text)).toEqual(["I ordered two weeks ago.", "Same here with order 43", "Any news?"]);
    expect(new Set(rows.map((r) => r.conversationId)).size).toBe(1);
    expect(rows[0]!.contactId).not.toBe(rows[1]!.contactId);
    expect(rows[2]!.contactId).toBe(rows[0]!.contactId);
    const [conversation] = await inbox.harness.switchboard.store.db.select().from(tables.conversations);
    expect(conversation).toMatchObject({ threadKey: thread.id, subject: "Order 42 never arrived" });
    expect(rows[0]!.metadata).toMatchObject({
      discord: { guildId: guild.id, parentId: forum.id, threadName: "Order 42 never arrived", username: "ada" },
    });
    await waitFor(() => world.joinedThreads.has(thread.id));
    expect(await storedMessages(inbox.harness, "dc")).toHaveLength(3);
  });

  it("keeps attachments (URL and a copy of the bytes) and summarises embeds into the text", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox({ max_file_bytes: 100 });
    const { world } = inbox.discord;
    const ada = world.user("ada");
    const photo = world.attachment("broken box.png", "image/png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 7]));
    const big = world.attachment("video.mp4", "video/mp4", new Uint8Array(500));
    world.dm(ada, {
      content: "See the photo",
      attachments: [photo, big],
      embeds: [
        {
          type: "rich" as never,
          title: "Order 42",
          url: "https://shop.example/orders/42",
          description: "2 items, shipped",
          fields: [{ name: "Carrier", value: "DHL" }],
        },
      ],
    });
    const [row] = await waitForMessages(inbox.harness, "dc", 1);
    expect(row!.text).toBe("See the photo\n\n[embed] Order 42 — https://shop.example/orders/42\n2 items, shipped\nCarrier: DHL");
    expect(row!.metadata).toMatchObject({
      discord: { embeds: [{ title: "Order 42", fields: [{ name: "Carrier", value: "DHL" }] }], skippedFiles: [{ filename: "video.mp4" }] },
    });
    const files = await inbox.harness.switchboard.store.db.select().from(tables.attachments).orderBy(tables.attachments.id);
    expect(files.map((f) => [f.filename, f.contentType, f.size, f.url])).toEqual([
      ["broken box.png", "image/png", 5, photo.url],
      ["video.mp4", "video/mp4", 500, big.url],
    ]);
    expect([...new Uint8Array(files[0]!.data!)]).toEqual([0x89, 0x50, 0x4e, 0x47, 7]);
    expect(files[1]!.data).toBeNull();
  });

  it("updates an edited message and keeps the original in its history", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const ada = world.user("ada");
    const sent = world.dm(ada, "Order 24");
    await waitForMessages(inbox.harness, "dc", 1);
    world.edit(sent, "Order 42, sorry");
    const [row] = await waitFor(async () => {
      const rows = await storedMessages(inbox!.harness, "dc");
      return rows[0]?.text === "Order 42, sorry" ? rows : undefined;
    });
    expect(row!.metadata).toMatchObject({ edits: [{ text: "Order 24" }] });
  });

  it("after a restart, stores what was written while the bot was away, once, before newer messages", { timeout: 10_000 }, async () => {
    inbox = await startDiscordInbox();
    const { world } = inbox.discord;
    const db = inbox.harness.switchboard.store.db;
    const ada = world.user("ada");
    world.dm(ada, "before the restart");
    await waitForMessages(inbox.harness, "dc", 1);
    const dm = world.dmChannel(ada).id;
    const lastSeen = () =>
      db
        .select()
        .from(tables.pluginKv)
        .where(eq(tables.pluginKv.key, `discord.last:${dm}`));
    await waitFor(async () => (await lastSeen()).length === 1);
    const adapter = inbox.harness.switchboard.inboxes.get("dc")!.adapter!;
    await adapter.stop!();

    world.dm(ada, "while away 1");
    world.dm(ada, "while away 2");
    // Pretend the last stored message was older, so the first one is fetched again: it must be stored once.
    // Through the store's writer, which never waits on the thread for a transaction still open here.
    await inbox.harness.switchboard.store.write((tx) =>
      tx
        .update(tables.pluginKv)
        .set({ value: "1" })
        .where(eq(tables.pluginKv.key, `discord.last:${dm}`)),
    );
    await adapter.start!((message) => inbox!.harness.switchboard.ingest("dc", message), new AbortController().signal);
    world.dm(ada, "after the restart");
    const rows = await waitForMessages(inbox.harness, "dc", 4);
    expect(rows.map((r) => r.text)).toEqual(["before the restart", "while away 1", "while away 2", "after the restart"]);
    expect(new Set(rows.map((r) => r.conversationId)).size).toBe(1);
    expect(world.calls.some((c) => c.method === "GET" && c.path === `/channels/${dm}/messages`)).toBe(true);
    await Bun.sleep(50);
    expect(await storedMessages(inbox.harness, "dc")).toHaveLength(4);
  });
});
