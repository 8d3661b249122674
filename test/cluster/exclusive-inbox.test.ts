/**
 * An inbox whose sending needs the held connection (`exclusive: "all"`, as a WhatsApp Web session)
 * on a real Redis: while another process holds its lease, this process keeps it on standby and
 * leaves its replies in the outbox for the holder; once the lease comes here, it starts the inbox
 * and sends them. An inbox exclusive only in receiving sends from any process.
 */
import { createTestHarness, type Harness } from "@switchboard/core/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";
import { poll } from "../fixtures/server-process.ts";

const LEASE_MS = 1_500;
let redis: TestRedis;
let other: Redis;
const harnesses: Harness[] = [];
beforeAll(async () => {
  redis = await startRedis();
  other = new Redis(redis.url);
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  other.disconnect();
  await redis.stop();
});

/** The conversation of a message just stored. */
async function arrive(harness: Harness, id: string): Promise<number> {
  const stored = await harness.inject({ externalId: id, contact: { externalId: `customer-${id}` }, text: "Hello" });
  if (stored.status !== "stored") throw new Error(`message ${id} was not stored: ${stored.status}`);
  return stored.conversationId;
}

async function harnessWith(exclusive: "receive" | "all"): Promise<Harness> {
  // "Another process" holds the inbox's lease before this one starts.
  await other.set("switchboard:lease:inbox:test", "another-process", "PX", 60_000);
  const harness = await createTestHarness({
    config: { cluster: { redis_url: redis.url, lease_ms: LEASE_MS } },
    inboxes: { test: { plugin: "test-channel", options: { exclusive } } },
  });
  harnesses.push(harness);
  return harness;
}

test("exclusive 'all': replies wait for the process holding the inbox, which sends them once it holds it", {
  timeout: 30_000,
}, async () => {
  const harness = await harnessWith("all");
  const inbox = harness.switchboard.inboxes.get("test")!;
  expect(inbox.state).toBe("standby");
  const conversationId = await arrive(harness, "in-1");
  await harness.switchboard.outbound.reply({ conversationId, text: "Hi from standby", agentId: null });
  expect(await harness.switchboard.delivery.runDue()).toBe(0); // not claimed: another process sends on this inbox
  expect(harness.sent).toEqual([]);

  await other.del("switchboard:lease:inbox:test"); // the other process goes
  await poll(
    async () => inbox.state,
    (state) => state === "running",
    10_000,
  );
  expect(harness.switchboard.cluster.status().holds).toContain("inbox:test");
  await harness.drain();
  expect(harness.sent.map((s) => s.message.text)).toEqual(["Hi from standby"]);
});

test("exclusive 'receive': a process on standby still sends the inbox's replies", { timeout: 30_000 }, async () => {
  const harness = await harnessWith("receive");
  expect(harness.switchboard.inboxes.get("test")!.state).toBe("standby");
  const conversationId = await arrive(harness, "in-2");
  await harness.switchboard.outbound.reply({ conversationId, text: "Hi from anywhere", agentId: null });
  await harness.drain();
  expect(harness.sent.map((s) => s.message.text)).toEqual(["Hi from anywhere"]);
  await other.del("switchboard:lease:inbox:test");
});
