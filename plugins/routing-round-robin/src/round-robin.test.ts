// Round-robin through the real inbound pipeline: turns among online agents, agents going online
// and offline, the inbox's team, and an unassigned conversation re-queued when an agent comes online.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, createTestTeam, type Harness, setTestAvailability, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { nextInTurn } from "./index.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness;
afterEach(() => harness?.close());

async function start() {
  harness = await createTestHarness({
    plugins: { rr: { package: PLUGIN } },
    inboxes: { test: { plugin: "test-channel", routing: ["rr"] } },
  });
  return harness;
}

let n = 0;
async function arrive() {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: `customer-${n}` }, text: "Hello" });
  if (stored.status !== "stored") throw new Error(stored.status);
  await harness.drain();
  const [row] = await harness.switchboard.store.db
    .select()
    .from(tables.conversations)
    .where(eq(tables.conversations.id, stored.conversationId));
  return row!;
}

describe("routing-round-robin", () => {
  it("takes turns among online agents as they come and go", async () => {
    await start();
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    const ben = await createTestAgent(harness, { name: "Ben", availability: "online" });
    const cat = await createTestAgent(harness, { name: "Cat" });
    expect([(await arrive()).assigneeId, (await arrive()).assigneeId, (await arrive()).assigneeId]).toEqual([ann.id, ben.id, ann.id]);
    await setTestAvailability(harness, cat, "online");
    expect([(await arrive()).assigneeId, (await arrive()).assigneeId]).toEqual([ben.id, cat.id]);
    await setTestAvailability(harness, ben, "away");
    expect([(await arrive()).assigneeId, (await arrive()).assigneeId]).toEqual([ann.id, cat.id]);
  });

  it("leaves a conversation unassigned while nobody is online, and routes it when someone comes online", async () => {
    await start();
    const ann = await createTestAgent(harness, { name: "Ann" });
    const waiting = await arrive();
    expect(waiting.assigneeId).toBeNull();
    await setTestAvailability(harness, ann, "online");
    const [row] = await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, waiting.id));
    expect(row!.assigneeId).toBe(ann.id);
    const timeline = await harness.switchboard.store.db
      .select()
      .from(tables.messages)
      .where(eq(tables.messages.conversationId, waiting.id));
    expect(timeline.map((m) => m.text)).toContain("Assigned to Ann by Routing");
  });

  it("only picks members of the team given the inbox, and files the conversation under that team", async () => {
    await start();
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    await createTestAgent(harness, { name: "Ben", availability: "online" });
    const support = await createTestTeam(harness, "Support", { members: [ann.id], inboxes: ["test"] });
    const first = await arrive();
    const second = await arrive();
    expect([first.assigneeId, second.assigneeId]).toEqual([ann.id, ann.id]);
    expect(first.teamId).toBe(support.id);
  });

  it("wraps around in id order", () => {
    expect(nextInTurn([{ id: 2 }, { id: 5 }, { id: 9 }], 5)).toEqual({ id: 9 });
    expect(nextInTurn([{ id: 2 }, { id: 5 }], 5)).toEqual({ id: 2 });
    expect(nextInTurn([], 5)).toBeUndefined();
  });
});
