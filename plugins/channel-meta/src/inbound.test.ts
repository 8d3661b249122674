// Every kind of Messenger and Instagram event through the webhook into the store, against the fake
// Graph API: media (downloaded, or listed over the size limit), shares, reels, story replies and
// story mentions, quick replies, postbacks, reactions, edits, unsends, echoes (from Meta's apps:
// stored as sent outside Switchboard; of our own sends: not stored twice), and receipts.

import { storedMessages, tables, waitFor } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { customerEvent, customerMessage, echo } from "../test-support/fake-meta.ts";
import { IG, type MetaInboxes, PAGE_A, startMetaInboxes } from "../test-support/kit.ts";

let env: MetaInboxes | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const files = (messageId: number) =>
  env!.harness.switchboard.store.db.select().from(tables.attachments).where(eq(tables.attachments.messageId, messageId));
const fb = (events: unknown[]) => env!.meta.deliver(env!.hook("fb-a"), "page", PAGE_A, events);
const ig = (events: unknown[]) => env!.meta.deliver(env!.hook("ig"), "instagram", IG, events);

describe("inbound Messenger and Instagram events", () => {
  it("stores images, video and files with their bytes, and lists one over max_file_bytes without them", async () => {
    env = await startMetaInboxes({
      "fb-a": { kind: "messenger", account: PAGE_A, options: { max_file_bytes: 1_000 } },
    });
    const photo = env.meta.graph.cdnUrl("p1.jpg", new Uint8Array(600).fill(7), "image/jpeg");
    const video = env.meta.graph.cdnUrl("v1.mp4", new Uint8Array(5_000), "video/mp4");
    const pdf = env.meta.graph.cdnUrl("invoice.pdf", new TextEncoder().encode("%PDF-1.7"), "application/pdf");
    await fb([
      customerMessage("2001", PAGE_A, {
        text: "see attached",
        attachments: [
          { type: "image", payload: { url: photo } },
          { type: "video", payload: { url: video } },
          { type: "file", payload: { url: pdf } },
        ],
      }),
    ]);
    const [row] = await storedMessages(env.harness, "fb-a");
    expect(row!.text).toBe("see attached");
    const stored = await files(row!.id);
    expect(stored.map((f) => [f.filename, f.contentType, f.size])).toEqual([
      ["p1.jpg", "image/jpeg", 600],
      ["v1.mp4", "video/mp4", 5_000],
      ["invoice.pdf", "application/pdf", 8],
    ]);
    const skipped = (row!.metadata.messenger as { skippedFiles: { filename: string; reason: string }[] }).skippedFiles;
    expect(skipped).toEqual([{ filename: "v1.mp4", reason: expect.stringContaining("5000 > 1000") }]);
  });

  it("shows shares, reels, story replies (with the story's link) and story mentions, and keeps quick-reply payloads", async () => {
    env = await startMetaInboxes();
    await ig([
      customerMessage(
        "5001",
        IG,
        { text: "Is this in stock?", reply_to: { story: { url: "https://lookaside.fbsbx.com/story/123", id: "17900" } } },
        1,
      ),
      customerMessage(
        "5001",
        IG,
        { attachments: [{ type: "story_mention", payload: { url: "https://lookaside.fbsbx.com/mention/9" } }] },
        2,
      ),
      customerMessage(
        "5001",
        IG,
        {
          attachments: [{ type: "ig_reel", payload: { url: "https://www.instagram.com/reel/abc", title: "Unboxing", reel_video_id: "1" } }],
        },
        3,
      ),
      customerMessage("5001", IG, { attachments: [{ type: "share", payload: { url: "https://www.instagram.com/p/xyz" } }] }, 4),
      customerMessage("5001", IG, { text: "Track my order", quick_reply: { payload: "TRACK_ORDER" } }, 5),
      customerEvent("5001", IG, { postback: { mid: "m_pb_1", title: "Talk to a human", payload: "HUMAN" } }, 6),
    ]);
    const rows = await storedMessages(env.harness, "ig");
    expect(rows.map((r) => r.text)).toEqual([
      "Is this in stock?\n↪ Replied to your story: https://lookaside.fbsbx.com/story/123",
      "Mentioned you in their story: https://lookaside.fbsbx.com/mention/9",
      'Shared a reel "Unboxing": https://www.instagram.com/reel/abc',
      "Shared a post: https://www.instagram.com/p/xyz",
      "Track my order",
      "Talk to a human",
    ]);
    expect(rows[0]!.metadata.instagram).toMatchObject({ storyReply: { id: "17900" } });
    expect(rows[4]!.metadata.instagram).toMatchObject({ quickReply: "TRACK_ORDER" });
    expect(new Set(rows.map((r) => r.conversationId)).size).toBe(1);
  });

  it("keeps reactions as replies to the message, applies edits, and hides an unsent message's text", async () => {
    env = await startMetaInboxes();
    const first = customerMessage("5001", IG, { text: "my address is 1 Main St" }, 1);
    await ig([first]);
    const mid = first.message.mid;
    await ig([
      customerEvent("5001", IG, { reaction: { mid: "m_ours", action: "react", reaction: "love", emoji: "❤️" } }, 2),
      customerEvent("5001", IG, { message_edit: { mid, text: "my address is 2 Main St", num_edit: 1 } }, 3),
    ]);
    let rows = await storedMessages(env.harness, "ig");
    expect(rows.map((r) => r.text)).toEqual(["my address is 2 Main St", "Reacted ❤️"]);
    expect(rows[1]!.replyToExternalId).toBe("m_ours");
    expect((rows[0]!.metadata.edits as { text: string }[])[0]!.text).toBe("my address is 1 Main St");
    expect((await ig([customerMessage("5001", IG, { mid, is_deleted: true }, 4)])).status).toBe(200);
    rows = await storedMessages(env.harness, "ig");
    expect(rows[0]!.text).toBe("");
    expect(rows[0]!.metadata.deleted).toBeTruthy();
  });

  it("stores replies sent from Meta's own apps as outgoing 'sent outside Switchboard', and never our own sends twice", async () => {
    env = await startMetaInboxes({ "fb-a": { kind: "messenger", account: PAGE_A, options: { app_id: "555000111" } } });
    await fb([customerMessage("2001", PAGE_A, { text: "Hello?" })]);
    const [first] = await storedMessages(env.harness, "fb-a");
    const reply = await env.harness.switchboard.outbound.reply({
      conversationId: first!.conversationId,
      text: "Hi from Switchboard",
      agentId: null,
    });
    await env.harness.drain();
    const ours = env.meta.sent[0]!;
    expect((ours.body.message as { metadata: string }).metadata).toMatch(/^switchboard:/);
    await fb([
      // Our own send's echo, three ways Meta identifies it: our metadata, our app id, our mid.
      echo(PAGE_A, "2001", { mid: ours.mid, text: "Hi from Switchboard", metadata: (ours.body.message as { metadata: string }).metadata }),
      echo(PAGE_A, "2001", { text: "sent by our app", app_id: 555000111 }),
      // Staff answering in the Page inbox (Meta Business Suite's app id).
      echo(PAGE_A, "2001", { text: "Answered from Business Suite", app_id: 263902037430900 }),
    ]);
    const rows = await storedMessages(env.harness, "fb-a");
    expect(rows.map((r) => [r.direction, r.text, r.metadata.sentOutside ?? false])).toEqual([
      ["incoming", "Hello?", false],
      ["outgoing", "Hi from Switchboard", false],
      ["outgoing", "Answered from Business Suite", true],
    ]);
    expect(rows[1]!.id).toBe(reply.id);
    expect(rows[2]!.conversationId).toBe(first!.conversationId);
  });

  it("recognises the echo of our send that arrives before Meta answers the send (no metadata, no app id)", async () => {
    env = await startMetaInboxes();
    await ig([customerMessage("5001", IG, { text: "Hey" })]);
    const [first] = await storedMessages(env.harness, "ig");
    // As Meta can: the webhook with the echo is delivered while the send is still open.
    env.meta.graph.route("POST", "/:account/messages", async (call) => {
      const text = (call.body as { message: { text: string } }).message.text;
      await ig([echo(IG, "5001", { mid: "m_early_echo", text })]);
      return { recipient_id: "5001", message_id: "m_early_echo" };
    });
    const reply = await env.harness.switchboard.outbound.reply({
      conversationId: first!.conversationId,
      text: "On its way!",
      agentId: null,
    });
    await env.harness.drain();
    const rows = await storedMessages(env.harness, "ig");
    expect(rows.map((r) => [r.direction, r.text])).toEqual([
      ["incoming", "Hey"],
      ["outgoing", "On its way!"],
    ]);
    expect(rows[1]).toMatchObject({ id: reply.id, externalId: "m_early_echo", deliveryStatus: "sent" });
  });

  it("maps delivery receipts (mids) and read receipts (Messenger's watermark, Instagram's mid) to delivery status", async () => {
    env = await startMetaInboxes();
    await fb([customerMessage("2001", PAGE_A, { text: "Hello?" })]);
    await ig([customerMessage("5001", IG, { text: "Hey" })]);
    const [fbIn] = await storedMessages(env.harness, "fb-a");
    const [igIn] = await storedMessages(env.harness, "ig");
    const out = env.harness.switchboard.outbound;
    const one = await out.reply({ conversationId: fbIn!.conversationId, text: "One", agentId: null });
    const two = await out.reply({ conversationId: fbIn!.conversationId, text: "Two", agentId: null });
    const three = await out.reply({ conversationId: igIn!.conversationId, text: "Three", agentId: null });
    await env.harness.drain();
    const mids = env.meta.sent.map((s) => s.mid);
    const status = async (id: number) =>
      (await env!.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id)))[0]!.deliveryStatus;
    await fb([customerEvent("2001", PAGE_A, { delivery: { mids: [mids[0]], watermark: Date.now() } })]);
    expect([await status(one.id), await status(two.id)]).toEqual(["delivered", "sent"]);
    await fb([customerEvent("2001", PAGE_A, { read: { watermark: Date.now() + 1_000 } })]);
    expect([await status(one.id), await status(two.id)]).toEqual(["read", "read"]);
    await ig([customerEvent("5001", IG, { read: { mid: mids[2] } })]);
    await waitFor(async () => (await status(three.id)) === "read");
  });
});
