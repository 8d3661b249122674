// The reports over REST on the hand-computed dataset: the dashboard JSON (only the inboxes the
// token's agent may see), the measurements behind a number, CSV exports, the continuity answer
// (admins), and 422 for bad input; all four routes in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "../../reports/dashboard.ts";
import { berlin, seedReportsDataset, TZ } from "../../reports/fixtures.ts";
import { rollupOptions } from "../../reports/options.ts";
import { rebuildAll } from "../../reports/rollups.ts";
import { assistantSuggestions, teamInboxes, teamMembers, teams } from "../../store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, type TestAgent } from "../../testing/index.ts";

let harness: Harness;
let admin: TestAgent;
let bob: TestAgent;
const call = (agent: TestAgent, path: string, method = "GET", body?: unknown) =>
  harness.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  harness = await createTestHarness({
    now: berlin(3, 27, 12),
    inboxes: { chat: { plugin: "test-channel" }, mail: { plugin: "test-channel" }, tg: { plugin: "test-channel" } },
    config: { business_hours: { timezone: TZ } },
  });
  admin = await createTestAgent(harness, { name: "Ada", role: "admin" });
  bob = await createTestAgent(harness, { name: "Bob" });
  const { store, loaded } = harness.switchboard;
  await store.write((tx) => seedReportsDataset(tx));
  // Bob's team serves the mail inbox only; chat and tg are given to another team.
  await store.db.insert(teams).values([
    { id: 1, name: "Mail" },
    { id: 2, name: "Chat" },
  ]);
  await store.db.insert(teamMembers).values({ teamId: 1, agentId: bob.id });
  await store.db.insert(teamInboxes).values([
    { teamId: 1, inbox: "mail" },
    { teamId: 2, inbox: "chat" },
    { teamId: 2, inbox: "tg" },
  ]);
  const suggestion = (conversationId: number, outcome: "shown" | "used" | "edited" | "ignored") => ({
    conversationId,
    plugin: "assistant-local",
    kind: "suggest" as const,
    text: "Try restarting it",
    outcome,
    createdAt: berlin(3, 24, 12),
  });
  await store.db
    .insert(assistantSuggestions)
    .values([
      suggestion(11, "used"),
      suggestion(11, "ignored"),
      suggestion(10, "edited"),
      suggestion(10, "ignored"),
      suggestion(10, "shown"),
    ]);
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
});
afterAll(() => harness?.close());

describe("GET /reports/dashboard", () => {
  it("gives every KPI of this week against last week, over the inboxes the agent may see", async () => {
    const all = (await (await call(admin, "/reports/dashboard")).json()) as Dashboard;
    expect(all.source).toBe("day");
    expect(all.total).toMatchObject({ cases: 5, customerMessages: 9, fcr: { n: 2, of: 3 } });
    expect(all.previousTotal.cases).toBe(1);
    expect(all.channels.map((c) => c.channel)).toEqual(["email", "telegram", "webchat"]);
    expect(all.audit.find((a) => a.channel === "email")).toMatchObject({ volume: 1, teams: ["Mail"] });

    const mine = (await (await call(bob, "/reports/dashboard")).json()) as Dashboard;
    expect(mine.total).toMatchObject({ cases: 1, customerMessages: 4 });
    expect(mine.channels.map((c) => c.channel)).toEqual(["email"]);
    // CSAT: email 1 of 1 satisfied (5), web chat none yet, so one channel: no spread; email 2/2 over both weeks.
    expect(all.csatConsistency).toEqual({ byChannel: [{ channel: "email", rate: 0.5, n: 2 }], spread: null });
    // AI suggestions: used or edited, of those decided; Bob sees only the mail inbox's.
    expect(all.assistant).toEqual({ shown: 1, used: 1, edited: 1, ignored: 2, rate: 0.5 });
    expect(mine.assistant).toEqual({ shown: 0, used: 1, edited: 0, ignored: 1, rate: 0.5 });
    const week = (await (await call(admin, "/reports/dashboard?from=2026-03-23&to=2026-03-29&hours=business")).json()) as Dashboard;
    expect(week.total.firstResponse).toMatchObject({ n: 4, median: 1_800_000, p90: 5_400_000 });
  });

  it("answers bad input with 422 and the reason", async () => {
    const bad = await call(admin, "/reports/dashboard?from=2026-03-23");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("give both from and to");
    expect((await call(admin, "/reports/dashboard?hours=never")).status).toBe(422);
    expect((await call(admin, "/reports/conversations?metric=DROP TABLE")).status).toBe(422);
    expect((await call(admin, "/reports/export?table=passwords")).status).toBe(422);
  });
});

describe("drill-down and export", () => {
  it("lists the measurements behind a number, only in visible inboxes", async () => {
    const frt = (await (await call(admin, "/reports/conversations?metric=first_response")).json()) as {
      data: { conversation_id: number }[];
    };
    expect(frt.data.map((r) => r.conversation_id).sort((a, b) => a - b)).toEqual([10, 20, 30, 31]);
    const notFcr = (await (await call(admin, "/reports/conversations?metric=fcr&value=0")).json()) as {
      data: { conversation_id: number }[];
    };
    expect(notFcr.data.map((r) => r.conversation_id)).toEqual([30]);
    const bobs = (await (await call(bob, "/reports/conversations?metric=first_response")).json()) as {
      data: { conversation_id: number }[];
    };
    expect(bobs.data.map((r) => r.conversation_id)).toEqual([31]);
  });

  it("exports CSV", async () => {
    const csv = await call(admin, "/reports/export?table=switches");
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe("From,To,Cases\r\nwebchat,email,1\r\n");
    const rows = (await (await call(bob, "/reports/export?table=conversations")).text()).trimEnd().split("\r\n");
    expect(rows.slice(1).map((r) => r.split(",")[0])).toEqual(["11", "31"]);
  });
});

describe("POST /reports/reviews/{id}", () => {
  it("records an admin's answer; agents may not", async () => {
    expect((await call(bob, "/reports/reviews/10", "POST", { answer: "yes" })).status).toBe(403);
    expect((await call(admin, "/reports/reviews/10", "POST", { answer: "perhaps" })).status).toBe(422);
    expect((await call(admin, "/reports/reviews/999", "POST", { answer: "no" })).status).toBe(404);
    const ok = await call(admin, "/reports/reviews/10", "POST", { answer: "no" });
    expect(await ok.json()).toEqual({ case_id: 10, answer: "no" });
    const d = (await (await call(admin, "/reports/dashboard")).json()) as Dashboard;
    expect(d.continuity).toMatchObject({ yes: 0, no: 1, score: 0, target: 0.9 });
  });

  it("every reports route is in the OpenAPI document", async () => {
    const doc = (await (await harness.request("/api/openapi.json")).json()) as { paths: Record<string, unknown> };
    for (const path of ["/reports/dashboard", "/reports/conversations", "/reports/export", "/reports/reviews/{id}"])
      expect(doc.paths).toHaveProperty([path]);
  });
});
