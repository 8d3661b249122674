// The embedded SMTP server end to end on loopback: nodemailer (as a sending MTA) delivers raw
// emails to the inbox's smtp-server, which accepts only its recipients, refuses oversized mail,
// and answers 250 only after the message is stored. The whole corpus is ingested or refused with
// a logged reason, and what is stored follows the documented shape.

import { writeFixturePlugin } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { corpus, eml, PNG, withAttachment } from "../../test-support/corpus.ts";
import { type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";

let email: EmailHarness | undefined;
afterEach(async () => {
  await email?.close();
  email = undefined;
});

const reply = (id: string, body: string, extra: string[] = []) =>
  eml(
    [
      "From: Bob Customer <bob@example.com>",
      "To: support@acme.com",
      "Cc: Carol <carol@example.com>, support@acme.com",
      "Subject: Re: Order 42",
      `Message-ID: <${id}@mail.example.com>`,
      "Date: Tue, 03 Mar 2026 10:00:00 +0000",
      ...extra,
    ],
    body,
  );

describe("inbound SMTP server", () => {
  it("accepts mail for its addresses and domains, stores it, and answers 250 after storing", async () => {
    email = await startEmailHarness();
    const answer = await email.deliver(
      reply("m1", "Where is my order?\r\n\r\nOn Mon, Acme <support@acme.com> wrote:\r\n> It shipped.\r\n"),
      { to: ["support@acme.com", "anyone@help.acme.com"] },
    );
    expect(answer.response).toMatch(/^250/);
    const [message] = await email.messages();
    expect(message).toMatchObject({
      inbox: "support",
      channel: "email",
      direction: "incoming",
      externalId: "m1@mail.example.com",
      text: "Where is my order?",
    });
    expect(message!.metadata).toMatchObject({
      subject: "Re: Order 42",
      sentAt: Date.parse("2026-03-03T10:00:00Z"),
      fullText: expect.stringContaining("> It shipped."),
      email: {
        messageId: "m1@mail.example.com",
        from: { address: "bob@example.com", name: "Bob Customer" },
        cc: [{ address: "carol@example.com", name: "Carol" }, { address: "support@acme.com" }],
        trimmed: true,
        threading: { by: "new" },
        received: { via: "smtp", mailFrom: "bob@example.com", rcptTo: ["support@acme.com", "anyone@help.acme.com"] },
      },
    });
    expect(message!.metadata.autoReply).toBeUndefined();
  }, 15_000);

  it("stores an email core refuses as read raw and flagged instead, with core's reason", async () => {
    // A normalise hook leaves the read message without a contact id (core refuses it) but lets the flagged one through.
    const mangler = writeFixturePlugin(`ctx.inbound((m) => (m.metadata.email.unparseable ? m : { ...m, contact: {} }));`, {
      name: "mangler",
    });
    email = await startEmailHarness({}, { plugins: { mangler: { package: mangler } } });
    expect((await email.deliver(reply("m9", "Where is my order?"))).response).toMatch(/^250/);
    const [message] = await email.messages();
    const reasons = (message!.metadata.email as { unparseable: { reasons: string[] } }).unparseable.reasons;
    expect(reasons).toEqual([
      expect.stringMatching(/^core refused the parsed message \(The inbound message was refused: contact\.externalId.*"mangler"/),
    ]);
    expect((await email.attachments(message!.id)).map((a) => a.filename)).toContain("original.eml");
    expect(email.logs.some((l) => l.msg === "core refused the parsed email; storing it raw and flagged")).toBe(true);
  }, 15_000);

  it("answers 550 to recipients it does not handle, and stores nothing", async () => {
    email = await startEmailHarness();
    await expect(email.deliver(reply("m2", "Hi"), { to: ["someone@elsewhere.example"] })).rejects.toMatchObject({ responseCode: 550 });
    await expect(email.deliver(reply("m3", "Hi"), { to: ["sales@acme.com"] })).rejects.toMatchObject({ responseCode: 550 });
    expect(await email.messages()).toHaveLength(0);
    expect(email.logs.filter((l) => l.msg.includes("does not handle")).map((l) => l.rcptTo)).toEqual([
      "someone@elsewhere.example",
      "sales@acme.com",
    ]);
  }, 15_000);

  it("refuses mail over max_message_bytes with 552 and logs why", async () => {
    email = await startEmailHarness({ max_message_bytes: 64 * 1024 });
    await expect(email.deliver(withAttachment("big", 100 * 1024))).rejects.toMatchObject({ responseCode: 552 });
    expect(await email.messages()).toHaveLength(0);
    expect(email.logs.some((l) => l.msg === "refused an email over the size limit" && l.limit === 64 * 1024)).toBe(true);
    await email.deliver(reply("small", "A small one still gets in."));
    expect(await email.messages()).toHaveLength(1);
  }, 15_000);

  it("stores attachments and inline images, with the sanitised HTML and the cid map", async () => {
    email = await startEmailHarness();
    await email.deliver(corpus().find((e) => e.name === "nested-multipart")!.raw);
    const [message] = await email.messages();
    expect(message!.html).toContain('src="cid:logo@acme"');
    expect(message!.html).not.toMatch(/<script|onclick/);
    expect(message!.metadata.email).toMatchObject({ remoteImages: 1, inline: { "logo@acme": { attachment: 0, filename: "logo.png" } } });
    const files = await email.attachments(message!.id);
    expect(files.map((f) => [f.filename, f.contentType, f.size])).toEqual([
      ["logo.png", "image/png", PNG.length],
      ["invoice.pdf", "application/pdf", 21],
    ]);
    expect(Buffer.from(files[0]!.data!).equals(PNG)).toBe(true);
  }, 15_000);

  it("ingests the whole corpus (each charset, nested parts, a forward, no Message-ID, a broken boundary, an 8 MB attachment); broken ones flagged with the raw original attached", async () => {
    email = await startEmailHarness();
    const entries = corpus({ large: true });
    for (const entry of entries) await email.deliver(entry.raw);
    const stored = await email.messages();
    expect(stored).toHaveLength(entries.length);
    for (const [i, entry] of entries.entries()) {
      const message = stored[i]!;
      expect(message.text, entry.name).toContain(entry.text!);
      const flagged = (message.metadata.email as { unparseable?: { reasons: string[] } }).unparseable;
      if (entry.flagged) {
        expect(flagged?.reasons.length, entry.name).toBeGreaterThan(0);
        expect(message.metadata.warning, entry.name).toMatch(/could not be read fully/);
        const files = await email.attachments(message.id);
        expect(files.at(-1)).toMatchObject({ filename: "original.eml", contentType: "message/rfc822", size: entry.raw.length });
      } else {
        expect(flagged, entry.name).toBeUndefined();
        expect(message.metadata.warning, entry.name).toBeUndefined();
      }
    }
    const large = stored.at(-1)!;
    expect((await email.attachments(large.id))[0]).toMatchObject({ filename: "large.bin", size: 8 * 1024 * 1024 });
    expect(email.logs.filter((l) => l.msg.startsWith("email could not be read properly")).length).toBe(
      entries.filter((e) => e.flagged).length,
    );
  }, 25_000);

  it("makes the sender's address the contact's email identity, so a verified widget user with that email is the same contact", async () => {
    email = await startEmailHarness();
    const widget = await email.harness.inject({
      externalId: "w1",
      contact: { externalId: "widget-user-9", email: "Bob@Example.com", verified: true },
      text: "Hi from the widget",
    });
    await email.deliver(reply("m4", "Hi from email"));
    const [, fromEmail] = await email.messages();
    expect(fromEmail!.contactId).toBe("reason" in widget ? -1 : widget.contactId);
  }, 15_000);
});
