// Agent replies through a real SMTP relay on loopback (a capture smtp-server): the From carries the
// agent's name, the mail has HTML and text with the signature, attachments and the headers that
// thread it; the customer's answer to it threads back; a bounce marks it failed; relay errors
// retry (4xx) or fail (5xx), and a retry keeps the same Message-ID.

import { tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { eml } from "../../test-support/corpus.ts";
import { type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../../test-support/smtp-capture.ts";

let email: EmailHarness | undefined;
let relay: CaptureSmtp | undefined;
afterEach(async () => {
  await email?.close();
  await relay?.close();
  email = relay = undefined;
});

const RELAY_LOGIN = { user: "relay-user", password: "relay-secret" };

async function setup(options: Record<string, unknown> = {}) {
  relay = await startCaptureSmtp(RELAY_LOGIN);
  email = await startEmailHarness({
    signature: "Acme Support\nhttps://acme.example/help",
    smtp: {
      host: "127.0.0.1",
      port: relay.port,
      security: "none",
      user: RELAY_LOGIN.user,
      password: RELAY_LOGIN.password,
      timeout_ms: 5_000,
    },
    ...options,
  });
  await email.deliver(
    eml(
      [
        "From: Bob <bob@example.com>",
        "To: support@acme.com",
        "Cc: Carol <carol@example.com>, help@help.acme.com",
        "Subject: Re: Order 42",
        "Message-ID: <m2@mail.example.com>",
        "References: <m0@mail.example.com> <m1@mail.example.com>",
        "In-Reply-To: <m1@mail.example.com>",
      ],
      "Where is it?\r\n",
    ),
  );
  const [incoming] = await email.messages();
  const [agent] = await email.harness.switchboard.store.write((tx) =>
    tx.insert(tables.agents).values({ email: "alice@acme.com", name: "Alice", passwordHash: "x" }).returning(),
  );
  return { harness: email.harness, relay, conversationId: incoming!.conversationId, agentId: agent!.id };
}

async function row(id: number) {
  const [message] = await email!.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id));
  return message!;
}

const header = (raw: Buffer, name: string) =>
  new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, "mi").exec(raw.toString("latin1"))?.[1]?.replace(/\r\n[ \t]+/g, " ");

describe("outbound email", () => {
  it("sends a threaded reply: agent's name in From, CC kept, Re: subject, text + HTML with signature, attachments, Message-ID/In-Reply-To/References", async () => {
    const { harness, relay, conversationId, agentId } = await setup();
    const reply = await harness.switchboard.outbound.reply({
      conversationId,
      agentId,
      text: "It ships today.\n\nAlice",
      attachments: [{ filename: "label.pdf", contentType: "application/pdf", size: 8, data: Buffer.from("%PDF-1.4").toString("base64") }],
    });
    await harness.drain();
    const [mail] = await relay.waitFor(1);
    const { parsed } = mail!;
    expect(mail!.user).toBe(RELAY_LOGIN.user);
    expect(parsed.from?.value).toEqual([{ name: "Alice via Acme Support", address: "support@acme.com" }]);
    expect(mail!.rcptTo.sort()).toEqual(["bob@example.com", "carol@example.com"]);
    expect(header(mail!.raw, "Cc")).toContain("carol@example.com");
    expect(header(mail!.raw, "Cc")).not.toContain("help.acme.com");
    expect(parsed.subject).toBe("Re: Order 42");
    expect(parsed.text).toBe("It ships today.\n\nAlice\n\n-- \nAcme Support\nhttps://acme.example/help");
    expect(parsed.html).toContain("<p>It ships today.</p>");
    expect(parsed.html).toContain("Acme Support<br>https://acme.example/help");
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ["label.pdf", "application/pdf", "%PDF-1.4"],
    ]);
    expect(parsed.messageId).toMatch(new RegExp(`^<swb-msg-${reply.id}\\.[A-Za-z0-9_-]{16}@acme\\.com>$`));
    expect(parsed.inReplyTo).toBe("<m2@mail.example.com>");
    expect(header(mail!.raw, "References")).toBe("<m0@mail.example.com> <m1@mail.example.com> <m2@mail.example.com>");
    expect(await row(reply.id)).toMatchObject({ deliveryStatus: "sent", externalId: parsed.messageId!.slice(1, -1) });
  }, 15_000);

  it("threads the customer's answer to our reply back into the conversation, by our Message-ID", async () => {
    const { harness, relay, conversationId, agentId } = await setup();
    await harness.switchboard.outbound.reply({ conversationId, agentId, text: "Which address?" });
    await harness.drain();
    const [mail] = await relay.waitFor(1);
    await email!.deliver(
      eml(
        [
          "From: Bob <bob@example.com>",
          "To: support@acme.com",
          "Subject: completely different",
          "Message-ID: <m3@mail.example.com>",
          `In-Reply-To: ${mail!.parsed.messageId}`,
        ],
        "Baker Street 221b\r\n",
      ),
    );
    const last = (await email!.messages()).at(-1)!;
    expect(last).toMatchObject({ conversationId, direction: "incoming", text: "Baker Street 221b" });
    expect((last.metadata.email as { threading: unknown }).threading).toEqual({
      by: "in-reply-to",
      matched: mail!.parsed.messageId!.slice(1, -1),
    });
  }, 15_000);

  it("marks the reply failed when a bounce (DSN) for its Message-ID arrives, storing no message; a DSN for no reply of ours is stored flagged", async () => {
    const { harness, relay, conversationId, agentId } = await setup();
    const reply = await harness.switchboard.outbound.reply({ conversationId, agentId, text: "Hello" });
    await harness.drain();
    const [mail] = await relay.waitFor(1);
    const before = (await email!.messages()).length;
    const dsn = eml(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        "To: support@acme.com",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <dsn-1@mx.example.com>",
        "Auto-Submitted: auto-replied",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      ],
      `--R\r\nContent-Type: text/plain\r\n\r\nI'm sorry.\r\n--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; bob@example.com\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n\r\n--R\r\nContent-Type: message/rfc822\r\n\r\n${mail!.raw.toString("latin1")}\r\n--R--\r\n`,
    );
    await email!.deliver(dsn, { from: "" });
    expect(await row(reply.id)).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: "Bounced: 552 5.2.2 Mailbox full (bob@example.com)",
    });
    expect(await email!.messages()).toHaveLength(before);

    await email!.deliver(
      Buffer.from(
        dsn
          .toString("latin1")
          .replace(mail!.parsed.messageId!, "<not-ours@elsewhere.example>")
          .replace("dsn-1@", "dsn-2@")
          .replace("Auto-Submitted: auto-replied\r\n", ""),
        "latin1",
      ),
      { from: "" },
    );
    const stored = (await email!.messages()).at(-1)!;
    expect(stored.metadata).toMatchObject({
      autoReply: true,
      email: {
        autoReply: "a delivery status notification (bounce)",
        bounce: { action: "failed", originalMessageId: "not-ours@elsewhere.example" },
      },
    });
  }, 15_000);

  it("retries a 451 with the same Message-ID, and fails a 550 at once with the relay's answer", async () => {
    const { harness, relay, conversationId, agentId } = await setup();
    relay.failNext(451);
    const reply = await harness.switchboard.outbound.reply({ conversationId, agentId, text: "First try" });
    await harness.drain();
    expect(await row(reply.id)).toMatchObject({ deliveryStatus: "queued", deliveryError: expect.stringContaining("deferred") });
    harness.clock.advance(5_000);
    await harness.drain();
    const [mail] = await relay.waitFor(1);
    expect(mail!.parsed.messageId).toMatch(new RegExp(`^<swb-msg-${reply.id}\\.`));
    expect((await row(reply.id)).externalId).toBe(mail!.parsed.messageId!.slice(1, -1));

    relay.failNext(550);
    const refused = await harness.switchboard.outbound.reply({ conversationId, agentId, text: "Refused" });
    await harness.drain();
    expect(await row(refused.id)).toMatchObject({ deliveryStatus: "failed", deliveryError: expect.stringContaining("refused the reply") });
  }, 15_000);

  it("uses the inbox name as From without an agent, leaves CC out with reply_cc = none, and fails clearly without a relay", async () => {
    const { harness, relay, conversationId } = await setup({ reply_cc: "none", signature: undefined });
    await harness.switchboard.outbound.reply({ conversationId, agentId: null, text: "Automated hello" });
    await harness.drain();
    const [mail] = await relay.waitFor(1);
    expect(mail!.parsed.from?.value).toEqual([{ name: "Acme Support", address: "support@acme.com" }]);
    expect(mail!.rcptTo).toEqual(["bob@example.com"]);
    expect(mail!.parsed.text).toBe("Automated hello");

    await email!.close();
    email = await startEmailHarness();
    await email.deliver(eml(["From: bob@example.com", "To: support@acme.com", "Subject: hi", "Message-ID: <x@y>"], "hi\r\n"));
    const [incoming] = await email.messages();
    const orphan = await email.harness.switchboard.outbound.reply({
      conversationId: incoming!.conversationId,
      agentId: null,
      text: "Hello",
    });
    await email.harness.drain();
    expect(await row(orphan.id)).toMatchObject({ deliveryStatus: "failed", deliveryError: expect.stringContaining("has no SMTP relay") });
  }, 15_000);
});
