// Every inbound WhatsApp type through the real webhook (signed deliveries from the loopback Graph
// fake) into the store: text with its reply context, image/audio/voice/video/document/sticker
// downloaded through GET /{media-id} and the bearer-token URL (over the size limit: listed, not
// downloaded, and said), location, shared contacts, reactions, button and list replies, an
// unsupported message; the sender as a verified E.164 phone that joins an existing contact by
// phone; a payload with only a business-scoped user id.
import { storedMessages, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ada, message } from "../test-support/fake.ts";
import { startWhatsAppInbox, type WhatsAppInbox } from "../test-support/kit.ts";

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const bytes = (text: string) => new TextEncoder().encode(text);

async function filesOf(i: WhatsAppInbox, messageId: number) {
  return i.harness.switchboard.store.db.select().from(tables.attachments).where(eq(tables.attachments.messageId, messageId));
}

describe("inbound messages of every type", () => {
  it("stores text, its reply context and the sender as a verified phone", async () => {
    inbox = await startWhatsAppInbox();
    await inbox.deliver(message("text", { body: "First" }, { id: "wamid.first", timestamp: 1_760_000_000_000 }));
    await inbox.deliver(message("text", { body: "About that…" }, { context: { from: "15550783881", id: "wamid.ours" } }));
    const [first, second] = await storedMessages(inbox.harness, "wa");
    expect([first!.text, first!.externalId, second!.text, second!.replyToExternalId]).toEqual([
      "First",
      "wamid.first",
      "About that…",
      "wamid.ours",
    ]);
    const [contact] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.contacts)
      .where(eq(tables.contacts.id, first!.contactId));
    expect([contact!.name, contact!.phone]).toEqual(["Ada Lovelace", "+16505551234"]);
    const identities = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.contactId, contact!.id));
    expect(identities.map((i) => [i.channel, i.externalId, i.verified]).sort()).toEqual([
      ["phone", "+16505551234", true],
      ["whatsapp", "16505551234", true],
    ]);
  });

  it("joins the contact who already has that phone verified on another channel", async () => {
    inbox = await startWhatsAppInbox();
    const earlier = await inbox.harness.inject({
      externalId: "tg-1",
      contact: { externalId: "1001", name: "Ada", phone: "+1 650 555 1234", verified: true },
      text: "from Telegram",
    });
    if (earlier.status !== "stored") throw new Error(earlier.status);
    await inbox.deliver(message("text", { body: "now on WhatsApp" }));
    const [stored] = await storedMessages(inbox.harness, "wa");
    expect(stored!.contactId).toBe(earlier.contactId);
  });

  it("downloads media through the Graph API with the token, and lists a file over the size limit without its bytes", async () => {
    inbox = await startWhatsAppInbox({ max_file_bytes: 1_000 });
    const { graph } = inbox.wa;
    graph.addMedia("1001", Uint8Array.of(0xff, 0xd8, ...bytes("jpeg-bytes")), "image/jpeg");
    graph.addMedia("1002", bytes("OggS voice"), "audio/ogg");
    graph.addMedia("1003", new Uint8Array(5_000), "video/mp4");
    graph.addMedia("1004", bytes("%PDF-1.7"), "application/pdf");
    graph.addMedia("1005", bytes("RIFF webp"), "image/webp");
    graph.addMedia("1006", bytes("ID3 mp3"), "audio/mpeg");
    await inbox.deliver(message("image", { id: "1001", mime_type: "image/jpeg", sha256: "x", caption: "My receipt 🧾" }));
    await inbox.deliver(message("audio", { id: "1002", mime_type: "audio/ogg; codecs=opus", voice: true }));
    await inbox.deliver(message("video", { id: "1003", mime_type: "video/mp4", caption: "See?" }));
    await inbox.deliver(message("document", { id: "1004", mime_type: "application/pdf", filename: "Factura_Nº7.pdf", caption: "Invoice" }));
    await inbox.deliver(message("sticker", { id: "1005", mime_type: "image/webp", animated: false }));
    await inbox.deliver(message("audio", { id: "1006", mime_type: "audio/mpeg" }));
    const stored = await storedMessages(inbox.harness, "wa");
    const files = await Promise.all(
      stored.map(async (m) => (await filesOf(inbox!, m.id)).map((f) => [f.filename, f.contentType, f.size, f.data !== null])),
    );
    expect(stored.map((m) => m.text)).toEqual([
      "My receipt 🧾",
      "",
      "See?\n(The video was not downloaded: larger than the size limit (5000 > 1000 bytes).)",
      "Invoice",
      "",
      "",
    ]);
    expect(files).toEqual([
      [["image-1001.jpg", "image/jpeg", 12, true]],
      [["voice-note-1002.ogg", "audio/ogg", 10, true]],
      [["video-1003.mp4", "video/mp4", 5000, false]],
      [["Factura_Nº7.pdf", "application/pdf", 8, true]],
      [["sticker-1005.webp", "image/webp", 9, true]],
      [["audio-1006.mp3", "audio/mpeg", 7, true]],
    ]);
    expect(stored[1]!.metadata).toMatchObject({ media: { id: "1002", kind: "voice note" } });
    expect(graph.downloads.every((d) => d.authorization === `Bearer ${graph.accessToken}`)).toBe(true);
  });

  it("stores locations, shared contacts, reactions, button and list replies and unsupported messages as readable text", async () => {
    inbox = await startWhatsAppInbox();
    await inbox.deliver(
      message("location", { latitude: 38.7223, longitude: -9.1393, name: "Café Ñandú", address: "Rua Augusta 1, Lisboa" }),
    );
    await inbox.deliver(
      message("contacts", [
        {
          name: { formatted_name: "Grace Hopper", first_name: "Grace" },
          phones: [{ phone: "+1 (202) 555-0100", wa_id: "12025550100", type: "CELL" }],
          emails: [{ email: "grace@example.com", type: "WORK" }],
        },
      ]),
    );
    await inbox.deliver(message("reaction", { message_id: "wamid.ours", emoji: "❤️" }));
    await inbox.deliver(message("reaction", { message_id: "wamid.ours" }));
    await inbox.deliver(message("interactive", { type: "button_reply", button_reply: { id: "yes-1", title: "Yes, cancel it" } }));
    await inbox.deliver(
      message("interactive", { type: "list_reply", list_reply: { id: "slot-3", title: "Tuesday 10:00", description: "Lisbon store" } }),
    );
    await inbox.deliver(message("button", { payload: "STOP_PROMOS", text: "Stop promotions" }));
    const unsupported = message("unsupported", undefined);
    (unsupported.entry[0]!.changes[0]!.value as unknown as { messages: Record<string, unknown>[] }).messages[0]!.errors = [
      {
        code: 131051,
        title: "Message type unknown",
        message: "Message type unknown",
        error_data: { details: "Message type is currently not supported." },
      },
    ];
    await inbox.deliver(unsupported);
    const stored = await storedMessages(inbox.harness, "wa");
    expect(stored.map((m) => m.text)).toEqual([
      "📍 Café Ñandú, Rua Augusta 1, Lisboa (38.7223, -9.1393) https://www.openstreetmap.org/?mlat=38.7223&mlon=-9.1393",
      "Shared a contact: Grace Hopper, +1 (202) 555-0100, grace@example.com",
      "Reacted ❤️",
      "Removed a reaction",
      "Yes, cancel it",
      "Tuesday 10:00 (Lisbon store)",
      "Stop promotions",
      "[A message WhatsApp could not pass on: Message type unknown (code 131051)]",
    ]);
    expect(stored[2]!.replyToExternalId).toBe("wamid.ours");
    expect(stored[4]!.metadata).toMatchObject({ interactive: { kind: "button_reply", id: "yes-1" } });
    expect(stored[6]!.metadata).toMatchObject({ button: { payload: "STOP_PROMOS" } });
    // A shared contact's number is not the sender's: it makes no identity.
    const phones = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.externalId, "+12025550100"));
    expect(phones).toEqual([]);
  });

  it("takes a sender known only by a business-scoped user id (newer payloads), without a phone", async () => {
    inbox = await startWhatsAppInbox();
    await inbox.deliver(
      message("text", { body: "Hi, I use a username" }, { userIdOnly: "US.13491208655302741918", from: { ...ada, name: "Quiet One" } }),
    );
    const [stored] = await storedMessages(inbox.harness, "wa");
    const [contact] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.contacts)
      .where(eq(tables.contacts.id, stored!.contactId));
    expect([contact!.name, contact!.phone]).toEqual(["Quiet One", null]);
    const identities = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.identities)
      .where(eq(tables.identities.contactId, contact!.id));
    expect(identities.map((i) => [i.channel, i.externalId])).toEqual([["whatsapp", "US.13491208655302741918"]]);
  });
});
