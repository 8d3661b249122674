// Channel capabilities core handles the same way for every channel: edits that keep the original,
// delivery receipts that only move forward, and attachment bytes kept in the store.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { attachments, messages } from "../store/schema.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { recordDeliveryReport } from "./receipts.ts";

let harness: Harness;
afterEach(async () => harness?.close());

describe("edits, receipts and attachments", () => {
  it("replaces an edited message's text and keeps every earlier version", async () => {
    harness = await createTestHarness();
    const first = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "My order is 123" });
    const updates: string[] = [];
    harness.switchboard.bus.on("message.updated", (e) => void updates.push(e.data.text));
    const edit = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "My order is 124", edited: true });
    await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "My order is 124!", edited: true });
    const unchanged = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "My order is 124!", edited: true });
    const fresh = await harness.inject({
      externalId: "m9",
      contact: { externalId: "u1" },
      text: "edit of something never seen",
      edited: true,
    });
    await harness.switchboard.bus.idle();
    expect(edit).toMatchObject({ status: "edited", messageId: first.status === "stored" ? first.messageId : -1 });
    expect(unchanged.status).toBe("edited");
    expect(fresh.status).toBe("stored");
    expect(updates).toEqual(["My order is 124", "My order is 124!"]);
    const [row] = await harness.switchboard.store.db.select().from(messages).where(eq(messages.externalId, "m1"));
    expect(row!.text).toBe("My order is 124!");
    expect((row!.metadata.edits as { text: string }[]).map((e) => e.text)).toEqual(["My order is 123", "My order is 124"]);
  });

  it("moves delivery status forward only, and lets a bounce fail a delivered message", async () => {
    harness = await createTestHarness();
    const stored = await harness.inject({ externalId: "in", contact: { externalId: "u1" }, text: "hi" });
    if (stored.status !== "stored") throw new Error("not stored");
    const reply = await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, text: "hello", agentId: null });
    await harness.drain();
    const externalId = `test-out-${reply.id}`;
    const report = (status: "delivered" | "read" | "failed", error?: string) =>
      recordDeliveryReport(harness.switchboard, "test", { externalId, status, error });
    const status = async () => (await harness.switchboard.store.db.select().from(messages).where(eq(messages.id, reply.id)))[0]!;
    expect(await report("read")).toBe(true);
    expect(await report("delivered")).toBe(false);
    expect((await status()).deliveryStatus).toBe("read");
    expect(await report("failed", "550 mailbox full")).toBe(true);
    expect(await status()).toMatchObject({ deliveryStatus: "failed", deliveryError: "550 mailbox full" });
    expect(await recordDeliveryReport(harness.switchboard, "test", { externalId: "unknown", status: "read" })).toBe(false);
    expect(await recordDeliveryReport(harness.switchboard, "other-inbox", { externalId, status: "read" })).toBe(false);
  });

  it("keeps attachment bytes in the store and hands them to adapters as base64", async () => {
    harness = await createTestHarness();
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const stored = await harness.inject({
      externalId: "m1",
      contact: { externalId: "u1" },
      text: "",
      attachments: [{ filename: "shot.png", contentType: "image/png", size: 999, data: bytes.toString("base64") }],
    });
    if (stored.status !== "stored") throw new Error("not stored");
    const [row] = await harness.switchboard.store.db.select().from(attachments).where(eq(attachments.messageId, stored.messageId));
    expect(row).toMatchObject({ filename: "shot.png", size: 8 });
    expect(Buffer.from(row!.data!).equals(bytes)).toBe(true);
    await harness.switchboard.outbound.reply({
      conversationId: stored.conversationId,
      text: "see attached",
      agentId: null,
      attachments: [{ filename: "a.txt", contentType: "text/plain", size: 2, data: Buffer.from("ok").toString("base64") }],
    });
    await harness.drain();
    expect(harness.sent[0]!.message.attachments).toEqual([
      { filename: "a.txt", contentType: "text/plain", size: 2, url: null, data: Buffer.from("ok").toString("base64") },
    ]);
  });
});
