// Conversation changes as a domain action: labels, snooze with a durable wake-up, and the timeline
// entries and events each change leaves. A test kernel is enough: no plugins, inboxes or HTTP.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../auth/agents.ts";
import { contacts, conversationLabels, conversations, jobs, labels, messages } from "../store/schema.ts";
import { createTestKernel, type TestKernel } from "../testing/index.ts";
import { defineSnoozeWakeUp, SNOOZE_JOB, updateConversation } from "./update.ts";

let kernel: TestKernel;
afterEach(async () => kernel?.close());

async function setup() {
  kernel = await createTestKernel();
  defineSnoozeWakeUp(kernel);
  const { agent } = await createAgent(kernel.store, { email: "alice@example.com", name: "Alice" });
  const id = await kernel.store.write(async (tx) => {
    const [contact] = await tx.insert(contacts).values({ name: "Ada" }).returning({ id: contacts.id });
    const [conversation] = await tx
      .insert(conversations)
      .values({ contactId: contact!.id, inbox: "support", channel: "test" })
      .returning({ id: conversations.id });
    return conversation!.id;
  });
  return { agent, id };
}

const activities = async (conversationId: number) =>
  (await kernel.store.db.select().from(messages).where(eq(messages.conversationId, conversationId)))
    .filter((m) => m.direction === "activity")
    .map((m) => m.text);

describe("updateConversation", () => {
  it("adds and removes existing labels with timeline entries, and refuses unknown ones", async () => {
    const { agent, id } = await setup();
    await kernel.store.write((tx) => tx.insert(labels).values([{ name: "billing" }, { name: "vip" }]));
    await updateConversation(kernel, agent, id, { addLabels: ["billing", "vip"] });
    await updateConversation(kernel, agent, id, { addLabels: ["billing"], removeLabels: ["vip"] });
    const attached = await kernel.store.db
      .select({ name: labels.name })
      .from(conversationLabels)
      .innerJoin(labels, eq(labels.id, conversationLabels.labelId));
    expect(attached.map((l) => l.name)).toEqual(["billing"]);
    expect(await activities(id)).toEqual(["Label billing added by Alice", "Label vip added by Alice", "Label vip removed by Alice"]);
    await expect(updateConversation(kernel, agent, id, { addLabels: ["nope"] })).rejects.toMatchObject({
      code: "SWB_ERR_VALIDATION",
      message: expect.stringContaining('"nope"'),
    });
  });

  it("reopens a snoozed conversation when its time comes, through a durable job", async () => {
    const { agent, id } = await setup();
    const until = kernel.clock.now() + 3_600_000;
    await updateConversation(kernel, agent, id, { status: "snoozed", snoozedUntil: until });
    expect(await kernel.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(1);
    const changes: string[] = [];
    kernel.bus.on("conversation.status_changed", (e) => void changes.push(`${e.data.from}->${e.data.to} by ${e.data.actor}`));
    kernel.clock.advance(3_599_000);
    await kernel.drain();
    expect(changes).toEqual([]);
    kernel.clock.advance(1_000);
    await kernel.drain();
    expect(changes).toEqual(["snoozed->open by system"]);
    expect((await activities(id)).at(-1)).toBe("Status changed from snoozed to open by Switchboard");
  });

  it("cancels the wake-up when the conversation leaves snoozed early", async () => {
    const { agent, id } = await setup();
    await updateConversation(kernel, agent, id, { status: "snoozed", snoozedUntil: kernel.clock.now() + 60_000 });
    await updateConversation(kernel, agent, id, { status: "resolved" });
    expect(await kernel.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(0);
    await expect(updateConversation(kernel, agent, id, { status: "snoozed", snoozedUntil: kernel.clock.now() - 1 })).rejects.toMatchObject({
      code: "SWB_ERR_VALIDATION",
    });
  });
});
