// Sending on WhatsApp against the loopback Cloud API fake, and the statuses that come back: text
// with our idempotency key in biz_opaque_callback_data; files uploaded to /media then sent with a
// caption; Graph error codes as delivery errors (131047 re-engagement and an invalid number:
// permanent, saying why; 130429 and 131056: retried after retry_after; a 5xx: retried); statuses
// out of order and repeated never move backwards; a failed status shows Meta's code and title; a
// status that overtakes the send's answer is applied once the send is recorded.
import { tables } from "@switchboard/core/testing";
import { graphError } from "@switchboard/meta-graph/test-support";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { message, PHONE_NUMBER_ID, status } from "../test-support/fake.ts";
import { startWhatsAppInbox, type WhatsAppInbox } from "../test-support/kit.ts";

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/** A customer message, then a reply; resolves with the reply's stored row after the delivery worker ran. */
async function setup(options: Record<string, unknown> = {}) {
  inbox = await startWhatsAppInbox(options);
  await inbox.deliver(message("text", { body: "Hello" }));
  const [conversation] = await inbox.harness.switchboard.store.db.select().from(tables.conversations);
  const i = inbox;
  const reply = async (text: string, extra: Record<string, unknown> = {}) => {
    const stored = await i.harness.switchboard.outbound.reply({ conversationId: conversation!.id, text, agentId: null, ...extra });
    await i.harness.drain();
    return row(stored.id);
  };
  const row = async (id: number) => {
    const [m] = await i.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id));
    return m!;
  };
  return { inbox, reply, row };
}

describe("sending", () => {
  it("sends text to the customer's number with our idempotency key, and stores WhatsApp's id", async () => {
    const { inbox, reply } = await setup();
    const sent = await reply("Olá Ada, see https://example.com/track 🚚");
    expect([sent.deliveryStatus, sent.externalId]).toEqual(["sent", expect.stringMatching(/^wamid\./)]);
    expect(inbox.wa.sends()).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "16505551234",
        biz_opaque_callback_data: `swb-msg-${sent.id}`,
        type: "text",
        text: { body: "Olá Ada, see https://example.com/track 🚚", preview_url: true },
      },
    ]);
  });

  it("uploads files to /media and sends them, the text as the first file's caption", async () => {
    const { inbox, reply } = await setup();
    const data = Buffer.from("\x89PNG fake").toString("base64");
    await reply("Your label", {
      attachments: [
        { filename: "label.png", contentType: "image/png", size: 9, data },
        { filename: "terms.pdf", contentType: "application/pdf", size: 4, data: Buffer.from("%PDF").toString("base64") },
      ],
    });
    const uploads = inbox.wa.graph.callsTo(`POST /${PHONE_NUMBER_ID}/media`).map((c) => c.body);
    expect(uploads).toEqual([
      { messaging_product: "whatsapp", type: "image/png", file: { name: "label.png", type: "image/png", size: 10 } },
      { messaging_product: "whatsapp", type: "application/pdf", file: { name: "terms.pdf", type: "application/pdf", size: 4 } },
    ]);
    expect(inbox.wa.sends().map((s) => [s.type, s[s.type as string]])).toEqual([
      ["image", { id: expect.any(String), caption: "Your label" }],
      ["document", { id: expect.any(String), filename: "terms.pdf" }],
    ]);
  });
});

describe("Graph errors as delivery errors", () => {
  it("fails at once, saying why, on re-engagement required (131047) and on a number that cannot receive (131026)", async () => {
    const { inbox, reply } = await setup();
    inbox.wa.graph.failNext(
      `POST /${PHONE_NUMBER_ID}/messages`,
      graphError(131047, "(#131047) Re-engagement message", { status: 400 }),
      graphError(131026, "(#131026) Message undeliverable", { status: 400 }),
    );
    const reengage = await reply("Late");
    expect(reengage.deliveryStatus).toBe("failed");
    expect(reengage.deliveryError).toContain("WhatsApp refused the message (code 131047)");
    expect(reengage.deliveryError).toContain("only accepts an approved template now");
    const invalid = await reply("To nobody");
    expect(invalid.deliveryStatus).toBe("failed");
    expect(invalid.deliveryError).toContain("code 131026");
    expect(invalid.deliveryError).toContain("cannot receive the message");
  });

  it("waits retry_after on rate limits (130429, 131056), retries a 5xx with backoff, then sends", async () => {
    const { inbox, reply, row } = await setup();
    inbox.wa.graph.failNext(
      `POST /${PHONE_NUMBER_ID}/messages`,
      graphError(130429, "Rate limit hit", { retryAfterSeconds: 30 }),
      graphError(131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit", { retryAfterSeconds: 7 }),
      graphError(131000, "Something went wrong", { status: 500 }),
    );
    const first = await reply("Busy?");
    expect([first.deliveryStatus, first.deliveryError]).toEqual(["queued", expect.stringContaining("Rate limited; retrying in 30 s.")]);
    const [outbox] = await inbox.harness.switchboard.store.db.select().from(tables.outbox).where(eq(tables.outbox.messageId, first.id));
    expect(outbox!.nextAttemptAt - inbox.harness.clock.now()).toBe(30_000);
    inbox.harness.clock.advance(30_000);
    await inbox.harness.drain();
    expect((await row(first.id)).deliveryError).toContain("retrying in 7 s");
    inbox.harness.clock.advance(7_000);
    await inbox.harness.drain();
    expect((await row(first.id)).deliveryStatus).toBe("queued"); // the 500: backoff
    inbox.harness.clock.advance(120_000);
    await inbox.harness.drain();
    expect((await row(first.id)).deliveryStatus).toBe("sent");
  });
});

describe("statuses", () => {
  it("never moves a status backwards, ignores repeats, and shows a failure's code and title", async () => {
    const { inbox, reply, row } = await setup();
    const sent = await reply("One");
    const id = sent.externalId!;
    expect((await inbox.deliver(status(id, "sent"))).status).toBe(200);
    expect((await row(sent.id)).deliveryStatus).toBe("sent");
    await inbox.deliver(status(id, "read"));
    await inbox.deliver(status(id, "delivered")); // late: read stays
    await inbox.deliver(status(id, "read"));
    expect((await row(sent.id)).deliveryStatus).toBe("read");

    const other = await reply("Two");
    await inbox.deliver(
      status(other.externalId!, "failed", {
        errors: [
          {
            code: 131047,
            title: "Re-engagement message",
            message: "Re-engagement message",
            error_data: {
              details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
            },
          },
        ],
      }),
    );
    const failed = await row(other.id);
    expect(failed.deliveryStatus).toBe("failed");
    expect(failed.deliveryError).toBe(
      "WhatsApp could not deliver it (code 131047, Re-engagement message): Message failed to send because more than 24 hours have passed since the customer last replied to this number. More than 24 hours have passed since the customer last wrote (re-engagement required): WhatsApp only accepts an approved template now. Pick one in the composer.",
    );
  });

  it("applies a status that arrived before the send was recorded, once it is", async () => {
    const { inbox, reply, row } = await setup();
    const next = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1"; // the fake's id for the first send
    expect((await inbox.deliver(status(next, "delivered"))).status).toBe(200);
    const sent = await reply("Fast network");
    expect([sent.externalId, sent.deliveryStatus]).toEqual([next, "sent"]);
    inbox.harness.clock.advance(5_000);
    await inbox.harness.drain();
    expect((await row(sent.id)).deliveryStatus).toBe("delivered");
    const pending = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.jobs)
      .where(and(eq(tables.jobs.status, "pending")));
    expect(pending.filter((j) => j.kind.includes("status-retry"))).toEqual([]);
  });
});
