// {{name}} tested on a real Switchboard with a temporary database: a word sends the conversation
// to its agent while they are online, and to nobody in particular when they are not.
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createTestAgent, createTestHarness, setTestAvailability, tables, type Harness } from "@switchboard/core/testing";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
});

it("assigns a conversation with a rule's word to that rule's agent while they are online", async () => {
  harness = await createTestHarness({
    plugins: { mine: { package: PLUGIN, options: { rules: [{ word: "invoice", agent: "bea@example.com" }] } } },
  });
  const bea = await createTestAgent(harness, { name: "Bea", email: "bea@example.com", availability: "online" });
  const assignee = async (externalId: string, text: string) => {
    const stored = await harness!.inject({ externalId, contact: { externalId: `u-${externalId}` }, text });
    if (stored.status !== "stored") throw new Error(`not stored: ${stored.status}`);
    await harness!.drain();
    const conversations = await harness!.switchboard.store.db.select().from(tables.conversations);
    return conversations.find((c) => c.id === stored.conversationId)!.assigneeId;
  };
  expect(await assignee("m1", "Where is my INVOICE?")).toBe(bea.id);
  expect(await assignee("m2", "Hello")).toBeNull();
  await setTestAvailability(harness, bea, "offline");
  expect(await assignee("m3", "invoice again")).toBeNull();
});
