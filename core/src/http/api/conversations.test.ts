// /api/v1/conversations: cursor pages, filters, and PATCH with its timeline entry, audit row and events.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgent } from "../../auth/agents.ts";
import type { SwitchboardEvent } from "../../events/types.ts";
import { auditLog, teams } from "../../store/schema.ts";
import { type JsonAnswer, json } from "../../testing/json.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("GET /conversations", () => {
  it("walks every page, latest activity first, with no duplicates or misses (ties broken by id)", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 18; i++)
      ids.push((await t.say("support", { externalId: `u${i}`, name: `Customer ${i}` }, `hello ${i}`)).conversationId);
    // Twelve more in the same millisecond: only the id orders them.
    for (let i = 18; i < 30; i++) {
      ids.push(
        (
          (await t.switchboard.ingest("support", { externalId: `same-${i}`, contact: { externalId: `u${i}` }, text: `tie ${i}` })) as {
            conversationId: number;
          }
        ).conversationId,
      );
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body }: JsonAnswer<{ data: { id: number }[]; next_cursor: string | null }> = await json(
        t.api(`/api/v1/conversations?limit=7${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(status).toBe(200);
      expect(body.data.length).toBeLessThanOrEqual(7);
      seen.push(...body.data.map((c: { id: number }) => c.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
    const first = (await json(t.api("/api/v1/conversations?limit=1"))).body.data[0];
    expect(first).toMatchObject({ contact_name: null, last_message_preview: "tie 29", status: "open", inbox: "support", channel: "echo" });
  });

  it("filters by status, inbox, assignee and contact", async () => {
    const a = await t.say("support", { externalId: "a", name: "Ann" }, "one");
    const b = await t.say("sales", { externalId: "b", name: "Ben" }, "two");
    const c = await t.say("support", { externalId: "c", name: "Cid" }, "three");
    const { agent: bob } = await createAgent(t.switchboard.store, { email: "bob@example.com", name: "Bob" });
    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { assignee_id: t.agent.id } });
    await t.api(`/api/v1/conversations/${b.conversationId}`, { method: "PATCH", body: { assignee_id: bob.id, status: "resolved" } });
    const ids = async (query: string) => (await json(t.api(`/api/v1/conversations?${query}`))).body.data.map((x: { id: number }) => x.id);
    expect(await ids("status=resolved")).toEqual([b.conversationId]);
    expect(await ids("status=open")).toEqual([c.conversationId, a.conversationId]);
    expect(await ids("inbox=sales")).toEqual([b.conversationId]);
    expect(await ids("assignee=me")).toEqual([a.conversationId]);
    expect(await ids(`assignee=${bob.id}`)).toEqual([b.conversationId]);
    expect(await ids("assignee=none")).toEqual([c.conversationId]);
    expect(await ids(`contact_id=${c.contactId}`)).toEqual([c.conversationId]);
    expect(await ids("status=open&inbox=sales")).toEqual([]);
  });

  it("answers 422 with the reason for bad filters, limits and cursors", async () => {
    const status = await json(t.api("/api/v1/conversations?status=closed"));
    expect(status.status).toBe(422);
    expect(status.body.error).toMatchObject({ code: "SWB_ERR_VALIDATION" });
    expect(status.body.error.message).toContain("status");
    expect((await json(t.api("/api/v1/conversations?assignee=bob"))).body.error.message).toContain('expected an agent id, "me" or "none"');
    expect((await json(t.api("/api/v1/conversations?limit=500"))).body.error.message).toContain("limit");
    const cursor = await json(t.api("/api/v1/conversations?cursor=garbage"));
    expect(cursor.status).toBe(422);
    expect(cursor.body.error.message).toContain("next_cursor");
  });
});

describe("GET /conversations/:id", () => {
  it("returns the conversation with its contact and labels, and 404 for an unknown id", async () => {
    const a = await t.say("support", { externalId: "a", name: "Ann", email: "ann@example.com" }, "hi");
    const { status, body } = await json(t.api(`/api/v1/conversations/${a.conversationId}`));
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: a.conversationId, contact: { id: a.contactId, name: "Ann", email: "ann@example.com" }, labels: [] });
    const missing = await json(t.api("/api/v1/conversations/9999"));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("SWB_ERR_NOT_FOUND");
    expect((await json(t.api("/api/v1/conversations/abc"))).status).toBe(422);
  });
});

describe("PATCH /conversations/:id", () => {
  it("resolves: writes an activity entry, an audit row, sets resolved_at and publishes after commit", async () => {
    const a = await t.say("support", { externalId: "a", name: "Ann" }, "my order is late");
    const events: SwitchboardEvent[] = [];
    t.switchboard.bus.on("*", (event) => void events.push(event), "test");
    t.clock.advance(5000);
    const { status, body } = await json(
      t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "resolved", priority: "high" } }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "resolved", priority: "high", resolved_at: t.clock.now() });

    const timeline = (await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data;
    expect(timeline.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ["incoming", "my order is late"],
      ["activity", "Status changed from open to resolved by Alice"],
      ["activity", "Priority changed from none to high by Alice"],
    ]);
    const audit = await t.switchboard.store.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, String(a.conversationId)));
    expect(audit).toEqual([
      expect.objectContaining({
        actor: `agent:${t.agent.id}`,
        action: "conversation.updated",
        data: { status: { from: "open", to: "resolved" }, priority: { from: "none", to: "high" } },
      }),
    ]);
    await t.switchboard.bus.idle();
    expect(events.map((e) => [e.name, e.data])).toEqual([
      ["conversation.status_changed", { conversationId: a.conversationId, from: "open", to: "resolved", actor: `agent:${t.agent.id}` }],
    ]);

    const again = await json(t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "resolved" } }));
    expect(again.status).toBe(200);
    expect((await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data).toHaveLength(3);
  });

  it("assigns and snoozes, and publishes conversation.assigned", async () => {
    const a = await t.say("support", { externalId: "a" }, "hello");
    const events: SwitchboardEvent[] = [];
    t.switchboard.bus.on("conversation.assigned", (event) => void events.push(event), "test");
    const until = t.clock.now() + 3_600_000;
    const { body } = await json(
      t.api(`/api/v1/conversations/${a.conversationId}`, {
        method: "PATCH",
        body: { assignee_id: t.agent.id, status: "snoozed", snoozed_until: until },
      }),
    );
    expect(body).toMatchObject({ assignee_id: t.agent.id, status: "snoozed", snoozed_until: until });
    const texts = (await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data.map((m: { text: string }) => m.text);
    expect(texts).toContain(`Status changed from open to snoozed until ${new Date(until).toISOString()} by Alice`);
    expect(texts).toContain("Assigned to Alice by Alice");
    await t.switchboard.bus.idle();
    expect(events[0]?.data).toEqual({
      conversationId: a.conversationId,
      assigneeId: t.agent.id,
      teamId: null,
      actor: `agent:${t.agent.id}`,
    });

    const [team] = await t.switchboard.store.write((tx) => tx.insert(teams).values({ name: "Billing" }).returning());
    const moved = await json(
      t.api(`/api/v1/conversations/${a.conversationId}`, {
        method: "PATCH",
        body: { assignee_id: null, team_id: team!.id, status: "open" },
      }),
    );
    expect(moved.body).toMatchObject({ assignee_id: null, team_id: team!.id, status: "open", snoozed_until: null });
    const latest = (await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data
      .slice(-3)
      .map((m: { text: string }) => m.text);
    expect(latest).toEqual(["Status changed from snoozed to open by Alice", "Unassigned by Alice", "Moved to team Billing by Alice"]);
    await t.switchboard.bus.idle();
    expect(events[1]?.data).toMatchObject({ assigneeId: null, teamId: team!.id });
    expect(
      (await json(t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { team_id: 999 } }))).body.error.message,
    ).toContain("there is no team 999");
  });

  it("answers 422 with the reason for bad patches and 404 for an unknown conversation", async () => {
    const a = await t.say("support", { externalId: "a" }, "hello");
    const path = `/api/v1/conversations/${a.conversationId}`;
    const snooze = await json(t.api(path, { method: "PATCH", body: { status: "snoozed" } }));
    expect(snooze.status).toBe(422);
    expect(snooze.body.error.message).toContain('snoozed_until: snoozed_until is required when status is "snoozed"');
    expect((await json(t.api(path, { method: "PATCH", body: { status: "snoozed", snoozed_until: 1000 } }))).body.error.message).toContain(
      "in the future",
    );
    expect((await json(t.api(path, { method: "PATCH", body: {} }))).body.error.message).toContain("send at least one of");
    expect((await json(t.api(path, { method: "PATCH", body: { stauts: "open" } }))).status).toBe(422);
    expect((await json(t.api(path, { method: "PATCH", body: { assignee_id: 999 } }))).body.error.message).toContain(
      "there is no agent 999",
    );
    expect((await json(t.api("/api/v1/conversations/9999", { method: "PATCH", body: { status: "open" } }))).status).toBe(404);
  });
});
