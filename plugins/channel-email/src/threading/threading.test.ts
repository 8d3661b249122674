// Threading through the real pipeline: emails delivered over SMTP join conversations by
// In-Reply-To and References (one id, several ids in one header, folded lists), fall back to the
// sender + subject while that conversation is open, and follow the inbox's policy for replies to
// resolved conversations. Auto-replies are flagged and never reopen anything.
import { afterEach, describe, expect, it } from "vitest";
import { eml } from "../../test-support/corpus.ts";
import { type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";

let email: EmailHarness | undefined;
afterEach(async () => {
  await email?.close();
  email = undefined;
});

function mail(id: string, subject: string, extra: string[] = [], from = "Bob <bob@example.com>") {
  return eml([`From: ${from}`, "To: support@acme.com", `Subject: ${subject}`, `Message-ID: <${id}>`, ...extra], `Body of ${id}\r\n`);
}

/** Delivers and returns the stored row of that Message-ID. */
async function deliver(h: EmailHarness, raw: Buffer) {
  await h.deliver(raw);
  const rows = await h.messages();
  return rows.at(-1)!;
}

const threading = (row: { metadata: Record<string, unknown> }) =>
  (row.metadata.email as { threading: { by: string; matched?: string } }).threading;

describe("threading", () => {
  it("joins replies by References only, by several In-Reply-To ids, and by a folded References list", async () => {
    email = await startEmailHarness();
    const root = await deliver(email, mail("root@x", "Order 42 is late"));
    const byReferences = await deliver(email, mail("r1@x", "Re: Order 42 is late", ["References: <root@x>"]));
    const bySeveral = await deliver(email, mail("r2@x", "Re: Order 42 is late", ["In-Reply-To: <unknown@elsewhere> <r1@x>"]));
    const byFolded = await deliver(
      email,
      mail("r3@x", "Something else entirely", ["References: <unknown@a>\r\n <root@x>\r\n <unknown@b>"]),
    );
    expect([byReferences, bySeveral, byFolded].map((m) => m.conversationId)).toEqual([
      root.conversationId,
      root.conversationId,
      root.conversationId,
    ]);
    expect(threading(root)).toEqual({ by: "new" });
    expect(threading(byReferences)).toEqual({ by: "references", matched: "root@x" });
    expect(threading(bySeveral)).toEqual({ by: "in-reply-to", matched: "r1@x" });
    expect(threading(byFolded)).toEqual({ by: "references", matched: "root@x" });
    expect(bySeveral.replyToExternalId).toBe("unknown@elsewhere");
  }, 15_000);

  it("falls back to the same sender + subject without Re:/Fwd:/AW:/SV:, and starts a new conversation for a new subject", async () => {
    email = await startEmailHarness();
    const root = await deliver(email, mail("s1@x", "Invoice 7"));
    const subjectOnly = await deliver(email, mail("s2@x", "AW: SV: Invoice 7"));
    const otherSender = await deliver(email, mail("s3@x", "Re: Invoice 7", [], "Eve <eve@example.com>"));
    const otherSubject = await deliver(email, mail("s4@x", "Invoice 8"));
    expect(subjectOnly.conversationId).toBe(root.conversationId);
    expect(threading(subjectOnly)).toEqual({ by: "subject" });
    expect(otherSender.conversationId).not.toBe(root.conversationId);
    expect(otherSubject.conversationId).not.toBe(root.conversationId);
  }, 15_000);

  it("does not use the subject when the inbox turns the fallback off", async () => {
    email = await startEmailHarness({ threading: { subject_fallback: false } });
    const root = await deliver(email, mail("n1@x", "Invoice 7"));
    const again = await deliver(email, mail("n2@x", "Re: Invoice 7"));
    expect(again.conversationId).not.toBe(root.conversationId);
  }, 15_000);

  it("reopens a resolved conversation for a reply by headers (policy reopen), but not for a subject-only match", async () => {
    email = await startEmailHarness({ threading: { resolved: "reopen" } });
    const root = await deliver(email, mail("o1@x", "Refund"));
    await email.setStatus(root.conversationId, "resolved");
    const byHeader = await deliver(email, mail("o2@x", "Re: Refund", ["In-Reply-To: <o1@x>"]));
    expect(byHeader.conversationId).toBe(root.conversationId);
    expect((await email.conversation(root.conversationId)).status).toBe("open");
    await email.setStatus(root.conversationId, "resolved");
    const bySubject = await deliver(email, mail("o3@x", "Re: Refund"));
    expect(bySubject.conversationId).not.toBe(root.conversationId);
    expect((await email.conversation(root.conversationId)).status).toBe("resolved");
  }, 15_000);

  it("starts a new conversation for a reply to a resolved one (policy new), and later replies join the new one", async () => {
    email = await startEmailHarness({ threading: { resolved: "new" } });
    const root = await deliver(email, mail("p1@x", "Broken login"));
    await email.setStatus(root.conversationId, "resolved");
    const reply = await deliver(email, mail("p2@x", "Re: Broken login", ["In-Reply-To: <p1@x>", "References: <p1@x>"]));
    expect(reply.conversationId).not.toBe(root.conversationId);
    expect((await email.conversation(root.conversationId)).status).toBe("resolved");
    const next = await deliver(email, mail("p3@x", "Re: Broken login", ["In-Reply-To: <p1@x>"]));
    expect(next.conversationId).toBe(reply.conversationId);
  }, 15_000);

  it("flags auto-replies (metadata.autoReply) and never lets one reopen a resolved conversation", async () => {
    email = await startEmailHarness({ threading: { resolved: "reopen" } });
    const root = await deliver(email, mail("a1@x", "Shipping"));
    const away = await deliver(
      email,
      mail("a2@x", "Out of office: Shipping", ["In-Reply-To: <a1@x>", "Auto-Submitted: auto-replied", "X-Autoreply: yes"]),
    );
    expect(away.conversationId).toBe(root.conversationId);
    expect(away.metadata).toMatchObject({ autoReply: true, email: { autoReply: "Auto-Submitted: auto-replied" } });
    await email.setStatus(root.conversationId, "resolved");
    const bulk = await deliver(email, mail("a3@x", "Re: Shipping", ["In-Reply-To: <a1@x>", "Precedence: bulk"]));
    expect(bulk.metadata.autoReply).toBe(true);
    expect((await email.conversation(root.conversationId)).status).toBe("resolved");
  }, 15_000);

  it("threads a CC'd colleague's reply-all into the customer's conversation", async () => {
    email = await startEmailHarness();
    const root = await deliver(email, mail("c1@x", "Contract", ["Cc: Carol <carol@example.com>"]));
    const carol = await deliver(email, mail("c2@x", "Re: Contract", ["In-Reply-To: <c1@x>"], "Carol <carol@example.com>"));
    expect(carol.conversationId).toBe(root.conversationId);
    expect(carol.contactId).not.toBe(root.contactId);
  }, 15_000);
});
