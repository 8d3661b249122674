// The REST API of routing profiles (skills and capacity, admins only) and SLA reporting
// (a conversation's clocks, hit/miss counts per target, CSAT averages).
import { afterEach, describe, expect, it } from "vitest";
import { updateConversation } from "../../conversations/update.ts";
import { csatResponses } from "../../store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, type TestAgent } from "../../testing/index.ts";

let harness: Harness;
afterEach(() => harness?.close());
const call = (agent: TestAgent, path: string, method = "GET", body?: unknown) =>
  harness.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("routing profiles over the API", () => {
  it("lets admins set skills and capacity, and everyone read them", async () => {
    harness = await createTestHarness();
    const admin = await createTestAgent(harness, { name: "Ada", role: "admin" });
    const bob = await createTestAgent(harness, { name: "Bob" });
    const set = await call(admin, `/agents/${bob.id}/routing`, "PUT", { skills: ["Billing", "lang:de", "billing"], capacity: 4 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ agent_id: bob.id, skills: ["billing", "lang:de"], capacity: 4 });
    expect(await (await call(bob, `/agents/${bob.id}/routing`)).json()).toEqual({
      agent_id: bob.id,
      skills: ["billing", "lang:de"],
      capacity: 4,
    });
    const denied = await call(bob, `/agents/${bob.id}/routing`, "PUT", { skills: [], capacity: null });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: "SWB_ERR_FORBIDDEN" } });
    expect((await call(admin, "/agents/999/routing", "PUT", { skills: [], capacity: null })).status).toBe(404);
  });
});

describe("SLA reporting over the API", () => {
  it("shows a conversation's clocks and counts hits and misses per target", async () => {
    harness = await createTestHarness({ now: Date.UTC(2025, 0, 7, 10, 0) });
    const admin = await createTestAgent(harness, { name: "Ada", role: "admin" });
    const write = async (contact: string) => {
      const stored = await harness.inject({
        externalId: `${contact}-${harness.clock.now()}`,
        contact: { externalId: contact },
        text: "Hi",
      });
      await harness.drain();
      return stored.status === "stored" ? stored.conversationId : Number.NaN;
    };
    const fast = await write("fast");
    const slow = await write("slow");
    await harness.switchboard.outbound.reply({ conversationId: fast, agentId: admin.id, text: "Hello!" });
    harness.clock.advance(31 * 60_000);
    await harness.drain();
    await harness.switchboard.outbound.reply({ conversationId: slow, agentId: admin.id, text: "Sorry for the wait" });
    await updateConversation(harness.switchboard, { id: admin.id, name: admin.name }, fast, { status: "resolved" });
    await harness.drain();
    await harness.switchboard.store.write((tx) =>
      tx
        .insert(csatResponses)
        .values({ conversationId: fast, contactId: 1, inbox: "test", status: "complete", score: 5, ces: 6, sentAt: harness.clock.now() }),
    );

    const clocks = (await (await call(admin, `/conversations/${slow}/sla`)).json()) as {
      data: { target: string; outcome: string | null; breached_at: number | null }[];
    };
    expect(clocks.data).toMatchObject([
      { target: "first_response", outcome: "miss", breached_at: Date.UTC(2025, 0, 7, 10, 30) },
      { target: "resolution", outcome: null },
    ]);
    const report = await (await call(admin, "/reports/sla")).json();
    expect(report).toEqual({
      sla: [
        { target: "first_response", hit: 1, miss: 1, cancelled: 0 },
        { target: "next_response", hit: 0, miss: 0, cancelled: 0 },
        { target: "resolution", hit: 1, miss: 0, cancelled: 0 },
      ],
      csat: { responses: 1, average_score: 5, average_ces: 6 },
    });
    // The test channel declares the family "messaging": its inbox counts there, and in no other family.
    expect(await (await call(admin, "/reports/sla?family=messaging")).json()).toEqual(report);
    expect(
      ((await (await call(admin, "/reports/sla?family=live-chat")).json()) as { sla: { hit: number; miss: number }[] }).sla.every(
        (t) => t.hit + t.miss === 0,
      ),
    ).toBe(true);
    const unknown = await call(admin, "/reports/sla?family=chat");
    expect(unknown.status).toBe(422);
    const conversation = await (await call(admin, `/conversations/${slow}`)).json();
    expect(conversation).toMatchObject({ sla_due_at: expect.any(Number) });
  });
});
