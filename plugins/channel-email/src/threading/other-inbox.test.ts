// Replying by email in a conversation of another inbox, to a contact who has only an (unverified)
// email address on their record, through a real SMTP relay on loopback; the customer's answers
// come back over SMTP. The answer joins that conversation, and comes from that contact when it is
// sent from the address we wrote to; from another address it is matched as any email is.

import { tables } from "@switchboard/core/testing";
import { and, eq } from "drizzle-orm";
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

/**
 * The harness's "test" inbox stands for another channel (webchat): a customer writes there and
 * leaves an email address that nobody verified; an agent answers on the email inbox "support".
 */
async function setup(options: Record<string, unknown> = {}) {
  relay = await startCaptureSmtp();
  email = await startEmailHarness({ smtp: { host: "127.0.0.1", port: relay.port, security: "none", timeout_ms: 5_000 }, ...options });
  const { harness } = email;
  const chat = await harness.inject({
    externalId: "chat-1",
    contact: { externalId: "visitor-1", name: "Ada", email: "Ada@Example.com" },
    text: "My order is late",
  });
  if ("reason" in chat) throw new Error(chat.reason);
  await harness.switchboard.outbound.reply({
    conversationId: chat.conversationId,
    agentId: null,
    text: "Sorry! It ships today.",
    inbox: "support",
  });
  await harness.drain();
  const [mail] = await relay.waitFor(1);
  return { harness, chat, ours: mail!.parsed.messageId!, mail: mail! };
}

const answer = (id: string, inReplyTo: string, from = "Ada <ada@example.com>", extra: string[] = []) =>
  eml(
    [
      `From: ${from}`,
      "To: support@acme.com",
      "Subject: Re: Your conversation with us",
      `Message-ID: <${id}>`,
      `In-Reply-To: ${inReplyTo}`,
      ...extra,
    ],
    `Reply ${id}\r\n`,
  );

async function deliver(raw: Buffer) {
  await email!.deliver(raw);
  return (await email!.messages()).at(-1)!;
}

const db = () => email!.harness.switchboard.store.db;
const identitiesOf = (contactId: number) => db().select().from(tables.identities).where(eq(tables.identities.contactId, contactId));

describe("an email reply in a conversation of another inbox", () => {
  it("goes to the contact's email address, and the answer joins that conversation on the same contact, which gains a verified email identity", async () => {
    const { chat, ours, mail } = await setup();
    expect(mail.rcptTo).toEqual(["ada@example.com"]);
    expect(mail.parsed.to).toMatchObject({ value: [{ name: "Ada", address: "ada@example.com" }] });
    expect(mail.parsed.subject).toBe("Your conversation with us");
    expect(await identitiesOf(chat.contactId)).toMatchObject([{ channel: "test", externalId: "visitor-1" }]);

    const first = await deliver(answer("a1@example.com", ours));
    expect(first).toMatchObject({
      conversationId: chat.conversationId,
      contactId: chat.contactId,
      inbox: "support",
      direction: "incoming",
      text: "Reply a1@example.com",
    });
    expect(await identitiesOf(chat.contactId)).toMatchObject([
      { channel: "test", externalId: "visitor-1" },
      { channel: "email", externalId: "ada@example.com", verified: true, source: "inbox:support" },
    ]);
    expect(await db().select().from(tables.contacts)).toHaveLength(1);
    const [conversation] = await db().select().from(tables.conversations);
    expect(conversation).toMatchObject({ id: chat.conversationId, inbox: "test", status: "open" });

    // The next answer (to the customer's own email) and the next reply keep to the same thread and conversation.
    const second = await deliver(answer("a2@example.com", "<a1@example.com>", "ada@example.com"));
    expect(second).toMatchObject({ conversationId: chat.conversationId, contactId: chat.contactId });
    await email!.harness.switchboard.outbound.reply({
      conversationId: chat.conversationId,
      agentId: null,
      text: "Tracking: 42",
      inbox: "support",
    });
    await email!.harness.drain();
    const [, next] = await relay!.waitFor(2);
    expect(next!.rcptTo).toEqual(["ada@example.com"]);
    expect(next!.parsed.inReplyTo).toBe("<a2@example.com>");
    expect(next!.parsed.subject).toBe("Re: Your conversation with us");
  }, 20_000);

  it("from another address, is stored under that sender's own contact and attaches nothing to the one we wrote to", async () => {
    const { chat, ours } = await setup();
    const other = await deliver(answer("e1@example.com", ours, "Eve <eve@example.com>"));
    expect(other.conversationId).toBe(chat.conversationId);
    expect(other.contactId).not.toBe(chat.contactId);
    expect(await identitiesOf(chat.contactId)).toMatchObject([{ channel: "test", externalId: "visitor-1" }]);
    expect(await identitiesOf(other.contactId)).toMatchObject([{ channel: "email", externalId: "eve@example.com" }]);

    // A forged In-Reply-To to an id we never sent proves nothing either.
    const forged = await deliver(answer("f1@example.com", "<swb-msg-1.guessed@acme.com>"));
    expect(forged.contactId).not.toBe(chat.contactId);
    expect(forged.conversationId).not.toBe(chat.conversationId);
  }, 20_000);

  it("lands on the contact we wrote to even when another contact holds that email verified, and joins the two (issue 16)", async () => {
    const { harness, chat, ours } = await setup();
    const earlier = await harness.inject(
      { externalId: "old-mail", contact: { externalId: "ada@example.com", email: "ada@example.com", verified: true }, text: "Old email" },
      "support",
    );
    if ("reason" in earlier) throw new Error(earlier.reason);
    expect(earlier.contactId).not.toBe(chat.contactId);
    const reply = await deliver(answer("a1@example.com", ours));
    expect(reply).toMatchObject({ conversationId: chat.conversationId, contactId: chat.contactId });
    // Two verified identities of one address are one person: the older contact keeps both, undoably.
    const [merge] = await db().select().from(tables.contactMerges);
    expect(merge).toMatchObject({ survivorId: chat.contactId, mergedId: earlier.contactId, actor: "system", undoneAt: null });
    expect(await db().select().from(tables.contacts).where(eq(tables.contacts.id, earlier.contactId))).toEqual([]);
  }, 20_000);

  it("reopens the resolved conversation with threading.resolved = reopen; with new, starts one in the email inbox; an auto-reply never reopens", async () => {
    const reopen = await setup();
    await email!.setStatus(reopen.chat.conversationId, "resolved");
    const back = await deliver(answer("r1@example.com", reopen.ours));
    expect(back).toMatchObject({ conversationId: reopen.chat.conversationId, contactId: reopen.chat.contactId });
    expect((await email!.conversation(reopen.chat.conversationId)).status).toBe("open");
    await email!.setStatus(reopen.chat.conversationId, "resolved");
    const away = await deliver(answer("o1@example.com", reopen.ours, "ada@example.com", ["Auto-Submitted: auto-replied"]));
    expect(away.conversationId).not.toBe(reopen.chat.conversationId);
    expect((await email!.conversation(reopen.chat.conversationId)).status).toBe("resolved");
    await email!.close();
    await relay!.close();

    const fresh = await setup({ threading: { resolved: "new" } });
    await email!.setStatus(fresh.chat.conversationId, "resolved");
    const started = await deliver(answer("n1@example.com", fresh.ours));
    expect(started.conversationId).not.toBe(fresh.chat.conversationId);
    expect(started.contactId).toBe(fresh.chat.contactId);
    expect(await email!.conversation(started.conversationId)).toMatchObject({
      inbox: "support",
      linkedConversationId: fresh.chat.conversationId,
    });
    const later = await deliver(answer("n2@example.com", fresh.ours));
    expect(later.conversationId).toBe(started.conversationId);
    const [identity] = await db()
      .select()
      .from(tables.identities)
      .where(and(eq(tables.identities.channel, "email"), eq(tables.identities.contactId, fresh.chat.contactId)));
    expect(identity).toMatchObject({ externalId: "ada@example.com", verified: true });
  }, 30_000);
});
