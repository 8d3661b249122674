// Least-busy through the real pipeline: fewest open conversations first, per-agent capacity, and
// a waiting conversation re-queued when an agent frees capacity or comes online.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, type Harness, setTestAvailability, type TestAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { leastBusy } from "./index.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness;
afterEach(() => harness?.close());

let n = 0;
async function arrive(): Promise<number> {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: `customer-${n}` }, text: "Hello" });
  if (stored.status !== "stored") throw new Error(stored.status);
  await harness.drain();
  return stored.conversationId;
}
const assigneeOf = async (id: number) =>
  (await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, id)))[0]!.assigneeId;
async function resolve(agent: TestAgent, id: number) {
  const response = await harness.request(`/api/v1/conversations/${id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status: "resolved" }),
  });
  expect(response.status).toBe(200);
  await harness.drain();
}

describe("routing-least-busy", () => {
  it("gives work to the agent with the fewest open conversations, within capacity, as agents come and go", async () => {
    harness = await createTestHarness({
      plugins: { lb: { package: PLUGIN } },
      inboxes: { test: { plugin: "test-channel", routing: ["lb"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann", availability: "online", capacity: 1 });
    const ben = await createTestAgent(harness, { name: "Ben", availability: "online", capacity: 1 });
    const cat = await createTestAgent(harness, { name: "Cat", capacity: 3 });
    const [one, two, three] = [await arrive(), await arrive(), await arrive()];
    expect([await assigneeOf(one), await assigneeOf(two), await assigneeOf(three)]).toEqual([ann.id, ben.id, null]);

    await resolve(ann, one); // Ann frees capacity: the waiting conversation is hers.
    expect(await assigneeOf(three)).toBe(ann.id);

    const four = await arrive();
    expect(await assigneeOf(four)).toBeNull();
    await setTestAvailability(harness, cat, "online");
    expect(await assigneeOf(four)).toBe(cat.id);

    await setTestAvailability(harness, cat, "offline");
    expect(await assigneeOf(await arrive())).toBeNull();
  });

  it("orders by load, or by share of capacity, then by id", () => {
    const agents = [
      { id: 1, load: 3, capacity: 10, available: true },
      { id: 2, load: 2, capacity: 2, available: true },
      { id: 3, load: 0, capacity: 5, available: false },
    ];
    expect(leastBusy(agents)?.id).toBe(2);
    expect(leastBusy(agents, true)?.id).toBe(1);
    expect(leastBusy([])).toBeUndefined();
  });
});
