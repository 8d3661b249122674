// Conversation changes as a domain action: labels, snooze with a durable wake-up, and the timeline
// entries and events each change leaves.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createAgent } from "../auth/agents.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { conversationLabels, jobs, labels, messages } from "../store/schema.ts";
import { SNOOZE_JOB, updateConversation } from "./update.ts";

let harness: Harness;
afterEach(async () => harness?.close());

async function setup() {
  harness = await createTestHarness();
  const { agent } = await createAgent(harness.switchboard.store, { email: "alice@example.com", name: "Alice" });
  const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "Help" });
  if (stored.status !== "stored") throw new Error("not stored");
  return { agent, id: stored.conversationId };
}

const activities = async (conversationId: number) =>
  (await harness.switchboard.store.db.select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.direction === "activity").map((m) => m.text);

describe("updateConversation", () => {
  it("adds and removes existing labels with timeline entries, and refuses unknown ones", async () => {
    const { agent, id } = await setup();
    await harness.switchboard.store.write((tx) => tx.insert(labels).values([{ name: "billing" }, { name: "vip" }]));
    await updateConversation(harness.switchboard, agent, id, { addLabels: ["billing", "vip"] });
    await updateConversation(harness.switchboard, agent, id, { addLabels: ["billing"], removeLabels: ["vip"] });
    const attached = await harness.switchboard.store.db.select({ name: labels.name }).from(conversationLabels).innerJoin(labels, eq(labels.id, conversationLabels.labelId));
    expect(attached.map((l) => l.name)).toEqual(["billing"]);
    expect(await activities(id)).toEqual(["Label billing added by Alice", "Label vip added by Alice", "Label vip removed by Alice"]);
    await expect(updateConversation(harness.switchboard, agent, id, { addLabels: ["nope"] })).rejects.toMatchObject({ code: "SWB_ERR_VALIDATION", message: expect.stringContaining('"nope"') });
  });

  it("reopens a snoozed conversation when its time comes, through a durable job", async () => {
    const { agent, id } = await setup();
    const until = harness.clock.now() + 3_600_000;
    await updateConversation(harness.switchboard, agent, id, { status: "snoozed", snoozedUntil: until });
    expect(await harness.switchboard.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(1);
    const changes: string[] = [];
    harness.switchboard.bus.on("conversation.status_changed", (e) => void changes.push(`${e.data.from}->${e.data.to} by ${e.data.actor}`));
    harness.clock.advance(3_599_000);
    await harness.drain();
    expect(changes).toEqual([]);
    harness.clock.advance(1_000);
    await harness.drain();
    expect(changes).toEqual(["snoozed->open by system"]);
    expect((await activities(id)).at(-1)).toBe("Status changed from snoozed to open by Switchboard");
  });

  it("cancels the wake-up when the conversation leaves snoozed early", async () => {
    const { agent, id } = await setup();
    await updateConversation(harness.switchboard, agent, id, { status: "snoozed", snoozedUntil: harness.clock.now() + 60_000 });
    await updateConversation(harness.switchboard, agent, id, { status: "resolved" });
    expect(await harness.switchboard.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(0);
    await expect(updateConversation(harness.switchboard, agent, id, { status: "snoozed", snoozedUntil: harness.clock.now() - 1 })).rejects.toMatchObject({ code: "SWB_ERR_VALIDATION" });
  });
});
