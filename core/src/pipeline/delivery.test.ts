// The outbox and the delivery worker, driven with a manual clock: backoff, retry_after, permanent
// failures, the retry action, and sends cut off by a crash.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../clock.ts";
import { DeliveryError } from "../errors/index.ts";
import { createLogger } from "../log/index.ts";
import { messages, outbox } from "../store/schema.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { waitFor } from "../testing/wait.ts";
import { CRASHED_SEND_ERROR, DELIVERY_LEASE_MS, DeliveryWorker } from "./delivery.ts";

let harness: Harness;
afterEach(async () => harness?.close());

async function conversationWithReply(text = "Thanks, we are on it") {
  const stored = await harness.inject({ externalId: "in-1", contact: { externalId: "u1", name: "Ada" }, text: "Help" });
  if (stored.status !== "stored") throw new Error("not stored");
  const reply = await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, text, agentId: null });
  return { stored, reply };
}

const row = async (messageId: number) => {
  const [o] = await harness.switchboard.store.db.select().from(outbox).where(eq(outbox.messageId, messageId));
  const [m] = await harness.switchboard.store.db.select().from(messages).where(eq(messages.id, messageId));
  return { outbox: o!, message: m! };
};

/** Makes the test inbox's sends wait for `gate` before they go out (or fail). */
function holdSends(gate: Promise<void>) {
  const adapter = harness.switchboard.inboxes.get("test")!.adapter!;
  const send = adapter.send.bind(adapter);
  adapter.send = async (target, message) => {
    await gate;
    return send(target, message);
  };
}
const otherWorker = (options: { leaseMs?: number; real?: boolean } = {}) =>
  new DeliveryWorker({
    ...harness.switchboard,
    clock: options.real ? systemClock : harness.clock,
    log: createLogger({ level: "silent" }),
    leaseMs: options.leaseMs,
  });
const outboxStatus = async () => (await harness.switchboard.store.db.select().from(outbox))[0]?.status;

describe("delivery leases", () => {
  it("keep an in-flight send claimed while it runs: another worker does not take it over", async () => {
    harness = await createTestHarness({ now: Date.now() - 1000 });
    holdSends(Bun.sleep(1000));
    const { reply } = await conversationWithReply();
    const holder = otherWorker({ leaseMs: 300, real: true });
    const other = otherWorker({ leaseMs: 300, real: true });
    const sending = holder.runDue();
    await waitFor(async () => (await outboxStatus()) === "sending");
    let takenOver = 0;
    while ((await outboxStatus()) === "sending") {
      takenOver += await other.runDue();
      await Bun.sleep(30);
    }
    await sending;
    expect(takenOver).toBe(0);
    expect(harness.sent).toHaveLength(1);
    expect((await row(reply.id)).message.deliveryStatus).toBe("sent");
  });

  it("let another worker take over a send whose holder stopped renewing after one short lease, and fence the old holder's outcome", async () => {
    harness = await createTestHarness();
    harness.setIdempotentSends(true);
    let release = () => {};
    holdSends(new Promise<void>((resolve) => (release = resolve)));
    const { reply } = await conversationWithReply();
    const stalled = harness.switchboard.delivery.runDue();
    await waitFor(async () => (await outboxStatus()) === "sending");
    const other = otherWorker();
    harness.clock.advance(DELIVERY_LEASE_MS - 1);
    expect(await other.runDue()).toBe(0);
    harness.clock.advance(2);
    harness.failNextSends(new Error("the stalled send finally failed"));
    release();
    // Both claims' sends are let through; the stalled one fails, the takeover's goes out.
    expect(await other.runDue()).toBe(1);
    await stalled;
    expect(DELIVERY_LEASE_MS).toBeLessThanOrEqual(10_000);
    expect(harness.sent.map((s) => s.message.attempt)).toEqual([2]);
    expect(await row(reply.id)).toMatchObject({ outbox: { status: "sent", attempts: 2 }, message: { deliveryStatus: "sent" } });
  });
});

describe("delivery worker", () => {
  it("writes the reply and its outbox row together, then sends it once", async () => {
    harness = await createTestHarness();
    const { reply } = await conversationWithReply();
    expect((await row(reply.id)).outbox.status).toBe("pending");
    expect(reply.deliveryStatus).toBe("queued");
    await harness.drain();
    await harness.drain();
    expect(harness.sent).toHaveLength(1);
    expect(harness.sent[0]!.message).toMatchObject({ text: "Thanks, we are on it", idempotencyKey: `swb-msg-${reply.id}`, attempt: 1 });
    expect(harness.sent[0]!.target).toMatchObject({
      inbox: "test",
      channel: "test",
      contact: { externalId: "u1", name: "Ada" },
      replyToExternalId: "in-1",
    });
    const after = await row(reply.id);
    expect(after.outbox.status).toBe("sent");
    expect(after.message).toMatchObject({ deliveryStatus: "sent", externalId: `test-out-${reply.id}` });
  });

  it("retries a failure with exponential backoff, and honours retry_after", async () => {
    harness = await createTestHarness();
    harness.failNextSends(new Error("HTTP 500"), new DeliveryError("HTTP 429", { retryAfterMs: 7000 }));
    const { reply } = await conversationWithReply();
    const t0 = harness.clock.now();
    await harness.drain();
    let state = await row(reply.id);
    expect(state.outbox).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 500" });
    expect(state.message).toMatchObject({ deliveryStatus: "queued", deliveryError: "HTTP 500" });
    expect(state.outbox.nextAttemptAt - t0).toBeGreaterThanOrEqual(800);
    expect(state.outbox.nextAttemptAt - t0).toBeLessThanOrEqual(1200);

    harness.clock.advance(500);
    await harness.drain();
    expect((await row(reply.id)).outbox.attempts).toBe(1);

    harness.clock.advance(1000);
    await harness.drain();
    state = await row(reply.id);
    expect(state.outbox).toMatchObject({ status: "pending", attempts: 2, lastError: "HTTP 429" });
    expect(state.outbox.nextAttemptAt).toBe(harness.clock.now() + 7000);

    harness.clock.advance(6999);
    await harness.drain();
    expect(harness.sent).toHaveLength(0);
    harness.clock.advance(1);
    await harness.drain();
    expect(harness.sent).toHaveLength(1);
    expect(harness.sent[0]!.message.attempt).toBe(3);
    expect((await row(reply.id)).message).toMatchObject({ deliveryStatus: "sent", deliveryError: null });
  });

  it("marks a permanent failure on the message at once, and the retry action sends it", async () => {
    harness = await createTestHarness();
    harness.failNextSends(new DeliveryError("chat not found", { retryable: false }));
    const { reply } = await conversationWithReply();
    const updates: string[] = [];
    harness.switchboard.bus.on("message.updated", (e) => void updates.push(e.data.deliveryStatus));
    await harness.drain();
    expect((await row(reply.id)).message).toMatchObject({ deliveryStatus: "failed", deliveryError: "chat not found" });
    expect(updates).toEqual(["failed"]);
    await harness.switchboard.delivery.retry(reply.id);
    expect((await row(reply.id)).message.deliveryStatus).toBe("queued");
    await harness.drain();
    expect(harness.sent).toHaveLength(1);
    expect((await row(reply.id)).message.deliveryStatus).toBe("sent");
    await expect(harness.switchboard.delivery.retry(reply.id)).rejects.toMatchObject({ code: "SWB_ERR_CONFLICT" });
  });

  it("gives up after the last attempt with the reason", async () => {
    harness = await createTestHarness();
    const { reply } = await conversationWithReply();
    await harness.switchboard.store.write((tx) => tx.update(outbox).set({ maxAttempts: 2 }).where(eq(outbox.messageId, reply.id)));
    harness.failNextSends(new Error("timeout"), new Error("timeout again"));
    await harness.drain();
    harness.clock.advance(60_000);
    await harness.drain();
    expect((await row(reply.id)).message).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: "Gave up after 2 attempts: timeout again",
    });
  });

  it("never re-sends a send cut off by a crash on a channel that cannot deduplicate", async () => {
    harness = await createTestHarness();
    const { reply } = await conversationWithReply();
    const now = harness.clock.now();
    await harness.switchboard.store.write((tx) =>
      tx
        .update(outbox)
        .set({ status: "sending", attempts: 1, claimedUntil: now - 1 })
        .where(eq(outbox.messageId, reply.id)),
    );
    await harness.drain();
    expect(harness.sent).toHaveLength(0);
    expect((await row(reply.id)).message).toMatchObject({ deliveryStatus: "failed", deliveryError: CRASHED_SEND_ERROR });
  });

  it("retries a send cut off by a crash, with the same idempotency key, on a channel that deduplicates", async () => {
    harness = await createTestHarness();
    harness.setIdempotentSends(true);
    const { reply } = await conversationWithReply();
    const now = harness.clock.now();
    await harness.switchboard.store.write((tx) =>
      tx
        .update(outbox)
        .set({ status: "sending", attempts: 1, claimedUntil: now - 1 })
        .where(eq(outbox.messageId, reply.id)),
    );
    await harness.drain();
    expect(harness.sent.map((s) => [s.message.idempotencyKey, s.message.attempt])).toEqual([[`swb-msg-${reply.id}`, 2]]);
  });

  it("refuses a reply longer than the channel allows, and stores nothing", async () => {
    harness = await createTestHarness();
    const stored = await harness.inject({ externalId: "in-1", contact: { externalId: "u1" }, text: "Help" });
    if (stored.status !== "stored") throw new Error("not stored");
    await expect(
      harness.switchboard.outbound.reply({ conversationId: stored.conversationId, text: "x".repeat(5001), agentId: null }),
    ).rejects.toMatchObject({
      code: "SWB_ERR_VALIDATION",
      message: expect.stringContaining("at most 5000"),
    });
    expect(await harness.switchboard.store.db.select().from(outbox)).toHaveLength(0);
  });

  it("keeps private notes out of the outbox", async () => {
    harness = await createTestHarness();
    const stored = await harness.inject({ externalId: "in-1", contact: { externalId: "u1" }, text: "Help" });
    if (stored.status !== "stored") throw new Error("not stored");
    const note = await harness.switchboard.outbound.reply({
      conversationId: stored.conversationId,
      text: "VIP, be nice",
      agentId: null,
      kind: "note",
    });
    await harness.drain();
    expect(note.direction).toBe("note");
    expect(harness.sent).toHaveLength(0);
    expect(await harness.switchboard.store.db.select().from(outbox)).toHaveLength(0);
  });
});
