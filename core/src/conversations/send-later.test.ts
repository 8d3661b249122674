// Send-later messages and snooze through the REST API: both on durable jobs, both cancelled when
// the customer writes first; a scheduled reply goes out when its time comes.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { jobs, messages, scheduledMessages } from "../store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, type TestAgent } from "../testing/index.ts";
import { SNOOZE_JOB } from "./update.ts";

let harness: Harness;
let agent: TestAgent;
afterEach(() => harness?.close());

async function start() {
  harness = await createTestHarness({ now: Date.UTC(2025, 0, 7, 10, 0) });
  agent = await createTestAgent(harness, { name: "Ann", role: "admin" });
  const stored = await harness.inject({ externalId: "m1", contact: { externalId: "grace" }, text: "Can you call me tomorrow?" });
  await harness.drain();
  return stored.status === "stored" ? stored.conversationId : Number.NaN;
}
const api = (path: string, method: string, body?: unknown) =>
  harness.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const customerWrites = async (text: string) => {
  await harness.inject({ externalId: `m${Math.random()}`, contact: { externalId: "grace" }, text });
  await harness.drain();
};

describe("send-later messages", () => {
  it("go out when their time comes", async () => {
    const id = await start();
    const sendAt = harness.clock.now() + 3_600_000;
    const created = await api(`/conversations/${id}/scheduled-messages`, "POST", {
      text: "Good morning, calling you at 11.",
      send_at: sendAt,
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: number; status: string };
    expect(body).toMatchObject({ status: "scheduled", agent_id: agent.id, send_at: sendAt });
    harness.clock.advance(3_599_999);
    await harness.drain();
    expect(harness.sent).toEqual([]);
    harness.clock.advance(1);
    await harness.drain();
    expect(harness.sent.map((s) => s.message.text)).toEqual(["Good morning, calling you at 11."]);
    const [row] = await harness.switchboard.store.db.select().from(scheduledMessages).where(eq(scheduledMessages.id, body.id));
    expect(row).toMatchObject({ status: "sent", messageId: expect.any(Number) });
    const list = (await (await api(`/conversations/${id}/scheduled-messages`, "GET")).json()) as { data: { status: string }[] };
    expect(list.data).toMatchObject([{ status: "sent" }]);
  });

  it("are cancelled when the customer writes first, with a note for agents", async () => {
    const id = await start();
    await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Any news?", send_at: harness.clock.now() + 86_400_000 });
    await customerWrites("Never mind, it works now!");
    harness.clock.advance(2 * 86_400_000);
    await harness.drain();
    expect(harness.sent).toEqual([]);
    expect(await harness.switchboard.store.db.select().from(scheduledMessages)).toMatchObject([
      { status: "cancelled", cancelReason: "the customer wrote first" },
    ]);
    const notes = (await harness.switchboard.store.db.select().from(messages).where(eq(messages.conversationId, id))).filter(
      (m) => m.direction === "note",
    );
    expect(notes.map((m) => m.text)).toEqual(["A scheduled message was cancelled because the customer wrote first."]);
  });

  it("are cancelled for each customer who writes first when their messages are handled together, and not those scheduled after", async () => {
    const id = await start();
    const other = await harness.inject({ externalId: "o1", contact: { externalId: "ada" }, text: "Hello" });
    const otherId = other.status === "stored" ? other.conversationId : Number.NaN;
    await harness.drain();
    const later = harness.clock.now() + 86_400_000;
    await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Grace, any news?", send_at: later });
    await api(`/conversations/${otherId}/scheduled-messages`, "POST", { text: "Ada, any news?", send_at: later });
    // The subscriber gets both customers' messages in one batch, and a reply scheduled after them.
    harness.switchboard.bus.setDurable(false);
    harness.clock.advance(1_000);
    await harness.inject({ externalId: "m2", contact: { externalId: "grace" }, text: "Never mind" });
    await harness.inject({ externalId: "o2", contact: { externalId: "ada" }, text: "Solved it" });
    harness.clock.advance(1_000);
    await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Glad it works!", send_at: later });
    // One read of the waiting replies for both messages (one per message before).
    type Statement = { sql: string } | string;
    const client = harness.switchboard.store.client as unknown as { execute: (statement: Statement) => Promise<unknown> };
    const execute = client.execute.bind(client);
    let reads = 0;
    client.execute = (statement) => {
      if (/^select .* from "scheduled_messages"/.test(typeof statement === "string" ? statement : statement.sql)) reads++;
      return execute(statement);
    };
    harness.switchboard.bus.setDurable(true);
    await harness.drain();
    client.execute = execute;
    expect(reads).toBe(1);
    const rows = await harness.switchboard.store.db.select().from(scheduledMessages).orderBy(scheduledMessages.id);
    expect(rows.map((r) => [r.text, r.status])).toEqual([
      ["Grace, any news?", "cancelled"],
      ["Ada, any news?", "cancelled"],
      ["Glad it works!", "scheduled"],
    ]);
  });

  it("can be cancelled by an agent, and refuse a time in the past", async () => {
    const id = await start();
    const past = await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Too late", send_at: harness.clock.now() - 1 });
    expect(past.status).toBe(422);
    const { id: scheduledId } = (await (
      await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Later", send_at: harness.clock.now() + 60_000 })
    ).json()) as { id: number };
    const cancelled = await api(`/scheduled-messages/${scheduledId}`, "DELETE");
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", cancel_reason: "cancelled by Ann" });
    expect((await api(`/scheduled-messages/${scheduledId}`, "DELETE")).status).toBe(409);
    harness.clock.advance(120_000);
    await harness.drain();
    expect(harness.sent).toEqual([]);
  });
});

describe("send-later crash safety", () => {
  it("leaves the schedule scheduled, with no message, when the send fails after the schedule was claimed; the retry sends it once", async () => {
    const id = await start();
    const { id: scheduledId } = (await (
      await api(`/conversations/${id}/scheduled-messages`, "POST", { text: "Checking in.", send_at: harness.clock.now() + 60_000 })
    ).json()) as { id: number };
    // The conversation's last update comes after the schedule is marked sent in the send's
    // transaction: failing it stands for a crash between the claim and the commit. A killed process
    // writes nothing afterwards either, so a compensating write putting the schedule back is refused.
    const client = harness.switchboard.store.client;
    await client.execute(
      "CREATE TRIGGER fail_send BEFORE UPDATE OF last_activity_at ON conversations BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );
    await client.execute(
      "CREATE TRIGGER no_undo BEFORE UPDATE OF status ON scheduled_messages WHEN NEW.status = 'scheduled' BEGIN SELECT RAISE(ABORT, 'process gone'); END",
    );
    harness.clock.advance(60_000);
    await harness.drain();
    const db = harness.switchboard.store.db;
    expect(await db.select().from(scheduledMessages).where(eq(scheduledMessages.id, scheduledId))).toMatchObject([
      { status: "scheduled", messageId: null },
    ]);
    expect((await db.select().from(messages).where(eq(messages.conversationId, id))).filter((m) => m.direction === "outgoing")).toEqual([]);
    expect(harness.sent).toEqual([]);

    await client.execute("DROP TRIGGER fail_send");
    await client.execute("DROP TRIGGER no_undo");
    harness.clock.advance(10 * 60_000);
    await harness.drain();
    const outgoing = (await db.select().from(messages).where(eq(messages.conversationId, id))).filter((m) => m.direction === "outgoing");
    expect(outgoing.map((m) => m.text)).toEqual(["Checking in."]);
    expect(await db.select().from(scheduledMessages).where(eq(scheduledMessages.id, scheduledId))).toMatchObject([
      { status: "sent", messageId: outgoing[0]!.id },
    ]);
    expect(harness.sent.map((s) => s.message.text)).toEqual(["Checking in."]);
  });
});

describe("snooze", () => {
  it("is cancelled when the customer writes: the conversation reopens and its wake-up job goes", async () => {
    const id = await start();
    const snoozed = await api(`/conversations/${id}`, "PATCH", { status: "snoozed", snoozed_until: harness.clock.now() + 86_400_000 });
    expect(snoozed.status).toBe(200);
    expect(await harness.switchboard.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(1);
    await customerWrites("Hello again");
    expect(await harness.switchboard.store.db.select().from(jobs).where(eq(jobs.kind, SNOOZE_JOB))).toHaveLength(0);
    expect(((await (await api(`/conversations/${id}`, "GET")).json()) as { status: string }).status).toBe("open");
  });
});
