// Outbound Messenger and Instagram through the outbox against the fake Send API: text, quick
// replies, attachments (by URL and uploaded), Graph errors mapped to permanent failures with Meta's
// code and subcode shown, rate limits retried after their wait, and the 24-hour window with the
// optional HUMAN_AGENT tag at its edges (on the harness clock).

import { storedMessages, tables } from "@switchboard/core/testing";
import { graphError } from "@switchboard/meta-graph/test-support";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { customerMessage } from "../test-support/fake-meta.ts";
import { IG, type MetaInboxes, PAGE_A, startMetaInboxes } from "../test-support/kit.ts";

let env: MetaInboxes | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const HOUR = 3_600_000;

async function conversation(inbox: "fb-a" | "ig" = "fb-a"): Promise<number> {
  const [account, object] = inbox === "fb-a" ? [PAGE_A, "page" as const] : [IG, "instagram" as const];
  await env!.meta.deliver(env!.hook(inbox), object, account, [customerMessage("2001", account, { text: "Hello?" })]);
  const rows = await storedMessages(env!.harness, inbox);
  return rows.at(-1)!.conversationId;
}

const row = async (id: number) =>
  (await env!.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id)))[0]!;
const reply = (
  conversationId: number,
  text: string,
  attachments?: { filename: string; contentType: string; size: number; data: string }[],
) => env!.harness.switchboard.outbound.reply({ conversationId, text, agentId: null, ...(attachments ? { attachments } : {}) });

describe("Meta outbound", () => {
  it("sends text as a RESPONSE to the page-scoped id, with quick replies from a last 'Quick replies:' line", async () => {
    env = await startMetaInboxes();
    const id = await conversation();
    const first = await reply(id, "Your order shipped.");
    await reply(id, "Anything else?\nQuick replies: Yes | No, thanks");
    await env.harness.drain();
    expect(env.meta.sent.map((s) => [s.accountId, s.recipient, s.body.messaging_type])).toEqual([
      [PAGE_A, "2001", "RESPONSE"],
      [PAGE_A, "2001", "RESPONSE"],
    ]);
    expect(env.meta.sent[0]!.body.message).toMatchObject({ text: "Your order shipped." });
    expect(env.meta.sent[1]!.body.message).toMatchObject({
      text: "Anything else?",
      quick_replies: [
        { content_type: "text", title: "Yes", payload: "Yes" },
        { content_type: "text", title: "No, thanks", payload: "No, thanks" },
      ],
    });
    expect(await row(first.id)).toMatchObject({ deliveryStatus: "sent", externalId: env.meta.sent[0]!.mid });
  });

  it("uploads an attachment's bytes as multipart filedata", async () => {
    env = await startMetaInboxes();
    const id = await conversation("ig");
    await reply(id, "Here is your invoice", [
      { filename: "invoice.pdf", contentType: "application/pdf", size: 4, data: Buffer.from("%PDF").toString("base64") },
    ]);
    await env.harness.drain();
    expect(env.meta.sent).toHaveLength(2);
    const upload = env.meta.sent[1]!.body;
    expect(JSON.parse(upload.message as string)).toMatchObject({ attachment: { type: "file", payload: { is_reusable: false } } });
    expect(upload.filedata).toMatchObject({ name: "invoice.pdf", type: "application/pdf", size: 4 });
    expect(env.meta.sent[1]!.accountId).toBe(IG);
  });

  it("fails a refused send at once with Meta's code, subcode and what it means", async () => {
    env = await startMetaInboxes();
    const id = await conversation();
    env.meta.graph.failNext(`POST /${PAGE_A}/messages`, graphError(551, "This person isn't available right now.", { subcode: 1545041 }));
    const sent = await reply(id, "Hello again");
    await env.harness.drain();
    const failed = await row(sent.id);
    expect(failed.deliveryStatus).toBe("failed");
    expect(failed.deliveryError).toContain(
      "Messenger refused the message (code 551, subcode 1545041): This person isn't available right now.",
    );
    expect(failed.deliveryError).toContain("blocked the page");
  });

  it("waits out a rate limit (retry_after) and then sends", async () => {
    env = await startMetaInboxes();
    const id = await conversation();
    env.meta.graph.failNext(
      `POST /${PAGE_A}/messages`,
      graphError(613, "Calls to this api have exceeded the rate limit.", { retryAfterSeconds: 120 }),
    );
    const sent = await reply(id, "Soon");
    await env.harness.drain();
    expect((await row(sent.id)).deliveryStatus).not.toBe("sent");
    expect(env.meta.sent).toHaveLength(0);
    env.harness.clock.advance(119_000);
    await env.harness.drain();
    expect(env.meta.sent).toHaveLength(0);
    env.harness.clock.advance(2_000);
    await env.harness.drain();
    expect(env.meta.sent).toHaveLength(1);
    expect((await row(sent.id)).deliveryStatus).toBe("sent");
  });
});

describe("the 24-hour window", () => {
  it("without the tag: replies until 24 h after the customer's last message, then refuses and says why", async () => {
    env = await startMetaInboxes();
    const id = await conversation();
    env.harness.clock.advance(24 * HOUR - 60_000);
    await reply(id, "Just in time");
    await env.harness.drain();
    expect(env.meta.sent.at(-1)!.body.messaging_type).toBe("RESPONSE");
    env.harness.clock.advance(60_000);
    await expect(reply(id, "Too late")).rejects.toMatchObject({ code: "SWB_ERR_REPLY_WINDOW_CLOSED" });
    expect(env.meta.sent).toHaveLength(1);
  });

  it("with human_agent_tag: after 24 h sends with the HUMAN_AGENT tag until day 7, then refuses", async () => {
    env = await startMetaInboxes({ "fb-a": { kind: "messenger", account: PAGE_A, options: { human_agent_tag: true } } });
    const id = await conversation();
    env.harness.clock.advance(24 * HOUR);
    await reply(id, "Tagged");
    await env.harness.drain();
    expect(env.meta.sent.at(-1)!.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    env.harness.clock.advance(6 * 24 * HOUR - 60_000);
    await reply(id, "Still tagged");
    await env.harness.drain();
    expect(env.meta.sent.at(-1)!.body).toMatchObject({ tag: "HUMAN_AGENT", message: { text: "Still tagged" } });
    env.harness.clock.advance(60_000);
    await expect(reply(id, "Day 7 is over")).rejects.toMatchObject({ code: "SWB_ERR_REPLY_WINDOW_CLOSED" });
    await env.meta.deliver(env.hook("fb-a"), "page", PAGE_A, [customerMessage("2001", PAGE_A, { text: "back again" })]);
    await reply(id, "Welcome back");
    await env.harness.drain();
    expect(env.meta.sent.at(-1)!.body).toMatchObject({ messaging_type: "RESPONSE", message: { text: "Welcome back" } });
  });
});
