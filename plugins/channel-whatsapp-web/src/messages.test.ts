// Messages through the real adapter over a Client-like fake, in whatsapp-web.js's shapes: text and
// media in (with the sender's phone as a verified E.164 identity that joins another channel's
// contact, "@lid" senders resolved, oversized media listed, statuses and groups ignored by default,
// a group as one conversation when enabled), replies out (text, media with caption), acks as delivery
// statuses, and the failures an agent sees (not connected, a number without WhatsApp).

import { type Harness, tables, waitFor, waitForMessages } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { pairedWhatsAppInbox, startWhatsAppInbox, type WhatsAppInbox } from "../test-support/kit.ts";

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");
const ADA = "447700900123@c.us";

const db = (h: Harness) => h.switchboard.store.db;
const identitiesOf = (h: Harness, contactId: number) =>
  db(h).select().from(tables.identities).where(eq(tables.identities.contactId, contactId));
const messageRow = async (h: Harness, id: number) => (await db(h).select().from(tables.messages).where(eq(tables.messages.id, id)))[0]!;

describe("inbound", () => {
  it("stores a text with the sender's phone as a verified E.164 identity, joining the contact another channel knows by it", async () => {
    const started = await pairedWhatsAppInbox();
    inbox = started;
    const earlier = await started.harness.inject({
      externalId: "cloud-1",
      contact: { externalId: "447700900123", phone: "+44 7700 900123", verified: true, name: "Ada L." },
      text: "Hello from the other channel",
    });
    if (earlier.status !== "stored") throw new Error(earlier.status);

    const sent = started.paired.receive({
      from: ADA,
      body: "Hi, where is my order?",
      notifyName: "Ada Lovelace",
      timestamp: 1_790_000_000,
    });
    const [row] = await waitForMessages(started.harness, "wa", 1);
    expect(row).toMatchObject({
      externalId: sent.id._serialized,
      text: "Hi, where is my order?",
      direction: "incoming",
      channel: "whatsapp-web",
      contactId: earlier.contactId,
    });
    const identities = await identitiesOf(started.harness, earlier.contactId);
    expect(identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: "whatsapp-web", externalId: "+447700900123" }),
        expect.objectContaining({ channel: "phone", externalId: "+447700900123" }),
      ]),
    );
  });

  it("resolves a sender hidden behind a lid to their phone, and keeps the lid when WhatsApp will not say it", async () => {
    inbox = await startWhatsAppInbox({}, { prepare: (world) => world.lids.set("123456789012345@lid", "34600111222@c.us") });
    const client = await inbox.client();
    client.scan();
    client.receive({ from: "123456789012345@lid", body: "Hola", notifyName: "Lucía" });
    client.receive({ from: "999999999999999@lid", body: "Who am I?" });
    const [hola, unknown] = await waitForMessages(inbox.harness, "wa", 2);
    expect(await identitiesOf(inbox.harness, hola!.contactId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: "whatsapp-web", externalId: "+34600111222" })]),
    );
    expect(await identitiesOf(inbox.harness, unknown!.contactId)).toEqual([
      expect.objectContaining({ channel: "whatsapp-web", externalId: "999999999999999@lid" }),
    ]);
  });

  it("stores media with its caption, lists media over max_file_bytes without fetching it, and describes locations and contacts", async () => {
    const started = await pairedWhatsAppInbox({ max_file_bytes: 1000 });
    inbox = started;
    const client = started.paired;
    client.receive({ from: ADA, body: "The broken part", media: { mimetype: "image/png", data: PNG, filename: null, filesize: 16 } });
    client.receive({
      from: ADA,
      body: "",
      type: "video",
      announcedSize: 5_000_000,
      media: { mimetype: "video/mp4", data: PNG, filename: "clip.mp4" },
    });
    client.receive({ from: ADA, type: "location", location: { latitude: 51.5, longitude: -0.12, description: "Our shop" } });
    client.receive({ from: ADA, type: "vcard", vCards: ["BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nTEL:+15551234\nEND:VCARD"] });
    const [photo, video, place, card] = await waitForMessages(started.harness, "wa", 4);
    expect(photo!.text).toBe("The broken part");
    const files = await db(started.harness).select().from(tables.attachments).where(eq(tables.attachments.messageId, photo!.id));
    expect(files).toEqual([expect.objectContaining({ filename: "image.png", contentType: "image/png", size: 16 })]);
    expect(Buffer.from(files[0]!.data!).toString("base64")).toBe(PNG);
    expect(video!.text).toBe("(a video that was not downloaded: larger than max_file_bytes)");
    expect(video!.metadata).toMatchObject({
      whatsapp: { skippedFiles: [{ filename: "clip.mp4", size: 5_000_000, reason: "larger than max_file_bytes" }] },
    });
    expect(place!.text).toBe("📍 Location: 51.5, -0.12\nOur shop");
    expect(card!.text).toBe("👤 Shared contact: Grace Hopper");
  });

  it("ignores status updates and, by default, groups; with groups on, each group is one conversation", async () => {
    const started = await pairedWhatsAppInbox();
    inbox = started;
    started.paired.receive({ from: "status@broadcast", author: ADA, body: "My holiday", isStatus: true });
    started.paired.receive({ from: "120363041234567890@g.us", author: ADA, body: "Group chatter" });
    started.paired.receive({ from: ADA, body: "Only this one" });
    const rows = await waitForMessages(started.harness, "wa", 1);
    await started.harness.drain();
    expect((await db(started.harness).select().from(tables.messages).where(eq(tables.messages.inbox, "wa"))).map((m) => m.text)).toEqual([
      "Only this one",
    ]);
    expect(rows).toHaveLength(1);
    await started.close();

    const groups = await pairedWhatsAppInbox({ groups: true });
    inbox = groups;
    groups.paired.receive({ from: "120363041234567890@g.us", author: ADA, body: "First in the group", notifyName: "Ada" });
    groups.paired.receive({ from: "120363041234567890@g.us", author: "34600111222@c.us", body: "Second in the group" });
    const [first, second] = await waitForMessages(groups.harness, "wa", 2);
    expect(second!.conversationId).toBe(first!.conversationId);
    expect(second!.contactId).not.toBe(first!.contactId);
  });
});

describe("outbound", () => {
  async function conversation(started: WhatsAppInbox & { paired: { receive: (spec: { from: string; body: string }) => unknown } }) {
    started.paired.receive({ from: ADA, body: "Hello?" });
    const [row] = await waitForMessages(started.harness, "wa", 1);
    return row!.conversationId;
  }

  it("sends text, and media with the text as its caption; acks become delivered, then read", async () => {
    const started = await pairedWhatsAppInbox();
    inbox = started;
    const conversationId = await conversation(started);
    const { outbound } = started.harness.switchboard;
    const reply = await outbound.reply({ conversationId, text: "It ships today.", agentId: null });
    await started.harness.drain();
    const [text] = started.paired.sent;
    expect(text).toMatchObject({ chatId: ADA, content: "It ships today." });
    expect(await messageRow(started.harness, reply.id)).toMatchObject({ deliveryStatus: "sent", externalId: text!.message.id._serialized });

    started.paired.ack(text!.message, 2);
    await waitFor(async () => (await messageRow(started.harness, reply.id)).deliveryStatus === "delivered");
    started.paired.ack(text!.message, 3);
    await waitFor(async () => (await messageRow(started.harness, reply.id)).deliveryStatus === "read");

    const withPhoto = await outbound.reply({
      conversationId,
      text: "Here is the label.",
      agentId: null,
      attachments: [{ filename: "label.png", contentType: "image/png", size: 16, data: PNG }],
    });
    await started.harness.drain();
    const photo = started.paired.sent[1]!;
    expect(photo).toMatchObject({
      chatId: ADA,
      content: { mimetype: "image/png", data: PNG, filename: "label.png" },
      options: { caption: "Here is the label." },
    });
    expect(started.paired.sent).toHaveLength(2);
    started.paired.ack(photo.message, -1);
    await waitFor(async () => (await messageRow(started.harness, withPhoto.id)).deliveryStatus === "failed");
    expect((await messageRow(started.harness, withPhoto.id)).deliveryError).toContain("WhatsApp could not deliver");
  });

  it("while the session is not ready, a send waits for a retry and says why", async () => {
    const started = await pairedWhatsAppInbox({ restart_after_seconds: 3600 });
    inbox = started;
    const conversationId = await conversation(started);
    started.paired.drop("UNPAIRED");
    await waitFor(async () => !(await started.harness.switchboard.inboxes.health("wa")).ok);
    const reply = await started.harness.switchboard.outbound.reply({ conversationId, text: "Are you there?", agentId: null });
    await started.harness.drain();
    const row = await messageRow(started.harness, reply.id);
    expect(row.deliveryStatus).not.toBe("sent");
    expect(row.deliveryError).toContain("WhatsApp Web is not connected");
    expect(started.paired.sent).toHaveLength(0);
  });

  it("a number WhatsApp refuses fails for good, with the reason", async () => {
    const started = await pairedWhatsAppInbox();
    inbox = started;
    const conversationId = await conversation(started);
    started.paired.failSend = new Error("wid error: invalid wid");
    const reply = await started.harness.switchboard.outbound.reply({ conversationId, text: "Hello", agentId: null });
    await started.harness.drain();
    const row = await messageRow(started.harness, reply.id);
    expect(row.deliveryStatus).toBe("failed");
    expect(row.deliveryError).toContain("the number has no WhatsApp");
  });
});
