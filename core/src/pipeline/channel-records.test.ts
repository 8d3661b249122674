// What a channel may tell core about messages besides new customer messages: the customer deleted
// one (its text and files go, the agent sees it was deleted), and the business sent one from the
// network's own app (stored as outgoing, marked, without reopening). Through inject and the inbox page.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { inboxHarness, signIn } from "../inbox/fixtures.ts";
import { attachments, conversations, messages } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";

let harness: Harness;
afterEach(async () => harness?.close());

const db = () => harness.switchboard.store.db;
const page = async (conversationId: number) => {
  const ada = await signIn(harness, "ada@example.com", "correct-horse-battery");
  return (await (await ada.get(`/inbox/conversations/${conversationId}`)).text()).replace(/\s+/g, " ");
};

describe("deleted messages", () => {
  it("removes the text and files of a message the customer deleted and shows that it was deleted", async () => {
    ({ harness } = await inboxHarness());
    const photo = { filename: "card.png", contentType: "image/png", size: 3, data: Buffer.from("png").toString("base64") };
    const first = await harness.inject({
      externalId: "m1",
      contact: { externalId: "u1" },
      text: "my card is 4111 1111",
      attachments: [photo],
    });
    if (first.status !== "stored") throw new Error("not stored");
    const updated: string[] = [];
    harness.switchboard.bus.on("message.updated", (e) => void updated.push(e.data.text));
    const deleted = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "", deleted: true });
    expect(deleted).toMatchObject({ status: "edited", messageId: first.messageId });
    expect((await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "", deleted: true })).status).toBe("duplicate");
    expect((await harness.inject({ externalId: "m404", contact: { externalId: "u1" }, text: "", deleted: true })).status).toBe("dropped");
    await harness.switchboard.bus.idle();
    expect(updated).toEqual([""]);
    const [row] = await db().select().from(messages).where(eq(messages.id, first.messageId));
    expect(row!.text).toBe("");
    expect(row!.metadata.deleted).toEqual({ at: expect.any(Number) });
    expect(await db().select().from(attachments).where(eq(attachments.messageId, first.messageId))).toEqual([]);
    const html = await page(first.conversationId);
    expect(html).toContain("The customer deleted this message.");
    expect(html).not.toContain("4111");
  });
});

describe("messages sent outside Switchboard", () => {
  it("stores them as outgoing in the contact's conversation, marked, without reopening it", async () => {
    ({ harness } = await inboxHarness());
    const first = await harness.inject({ externalId: "in1", contact: { externalId: "u1" }, text: "Is my order shipped?" });
    if (first.status !== "stored") throw new Error("not stored");
    await db().update(conversations).set({ status: "resolved" }).where(eq(conversations.id, first.conversationId));
    const echo = { externalId: "out1", contact: { externalId: "u1" }, text: "Yes, this morning!", sentOutside: true };
    const stored = await harness.inject(echo);
    expect(stored).toMatchObject({ status: "stored", conversationId: first.conversationId, contactId: first.contactId });
    expect((await harness.inject(echo)).status).toBe("duplicate");
    const [row] = await db().select().from(messages).where(eq(messages.externalId, "out1"));
    expect([row!.direction, row!.deliveryStatus, row!.metadata.sentOutside]).toEqual(["outgoing", "sent", true]);
    const [conversation] = await db().select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(conversation!.status).toBe("resolved");
    const html = await page(first.conversationId);
    expect(html).toContain("Sent outside Switchboard");
    expect(html).toContain("Yes, this morning!");
    const stranger = await harness.inject({ externalId: "out2", contact: { externalId: "nobody" }, text: "Hi", sentOutside: true });
    expect(stranger.status).toBe("dropped");
  });
});
