// Sticky routing: a returning customer goes back to their last agent when that agent is online,
// and to the next strategy (least-busy) when not.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, type Harness, setTestAvailability, type TestAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const LEAST_BUSY = fileURLToPath(new URL("../../routing-least-busy/src/index.ts", import.meta.url));
let harness: Harness;
afterEach(() => harness?.close());

let n = 0;
async function arrive(customer: string) {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: customer }, text: "Hello again" });
  if (stored.status !== "stored") throw new Error(stored.status);
  await harness.drain();
  return (
    await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, stored.conversationId))
  )[0]!;
}
async function resolve(agent: TestAgent, id: number) {
  const response = await harness.request(`/api/v1/conversations/${id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status: "resolved" }),
  });
  expect(response.status).toBe(200);
}

describe("routing-sticky", () => {
  it("sends a returning customer back to their last agent while online", async () => {
    harness = await createTestHarness({
      plugins: { sticky: { package: PLUGIN }, lb: { package: LEAST_BUSY } },
      inboxes: { test: { plugin: "test-channel", routing: ["sticky", "lb"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online" });
    const ben = await createTestAgent(harness, { name: "Ben", availability: "online" });
    const first = await arrive("grace");
    expect(first.assigneeId).toBe(ann.id);
    expect((await arrive("someone-else")).assigneeId).toBe(ben.id);
    await resolve(ann, first.id);
    await arrive("third-customer");
    await arrive("fourth-customer"); // Ann has 2 open conversations, Ben 1: least-busy alone would pick Ben.
    const second = await arrive("grace");
    expect(second.id).not.toBe(first.id);
    expect(second.assigneeId).toBe(ann.id);

    await resolve(ann, second.id);
    await setTestAvailability(harness, ann, "offline");
    const third = await arrive("grace");
    expect(third.assigneeId).toBe(ben.id);
  });
});
