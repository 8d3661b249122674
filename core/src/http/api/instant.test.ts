// Issue 21.10: the REST API takes times as epoch milliseconds or ISO 8601 with an offset, and
// refuses a time without an offset or an impossible one with the reason (422).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("times in the REST API", () => {
  it("snoozes until an ISO 8601 time or epoch milliseconds, and refuses ambiguous or impossible ones", async () => {
    const { conversationId: id } = await t.say("support", { externalId: "u1", name: "Grace" }, "hello");
    const snooze = (until: unknown) =>
      t.api(`/api/v1/conversations/${id}`, { method: "PATCH", body: { status: "snoozed", snoozed_until: until } });
    const iso = await snooze("2026-01-06T09:00:00+01:00");
    expect(iso.status).toBe(200);
    expect((await iso.json()).snoozed_until).toBe(Date.parse("2026-01-06T08:00:00Z"));
    const ms = await snooze(Date.parse("2026-01-07T08:00:00Z"));
    expect((await ms.json()).snoozed_until).toBe(Date.parse("2026-01-07T08:00:00Z"));
    for (const [bad, reason] of [
      ["2026-01-06T09:00:00", "ISO 8601 time with its offset"],
      ["tomorrow", "ISO 8601 time with its offset"],
      ["2026-02-30T09:00:00Z", "is not a real date and time"],
    ] as const) {
      const answer = await snooze(bad);
      expect(answer.status).toBe(422);
      const text = JSON.stringify(await answer.json());
      expect(text, text).toContain(reason);
    }
  });

  it("schedules a message at an ISO 8601 time", async () => {
    const { conversationId: id } = await t.say("support", { externalId: "u1", name: "Grace" }, "hello");
    const answer = await t.api(`/api/v1/conversations/${id}/scheduled-messages`, {
      method: "POST",
      body: { text: "Good morning", send_at: "2026-01-06T09:30:00Z" },
    });
    expect(answer.status).toBe(201);
    expect((await answer.json()).send_at).toBe(Date.parse("2026-01-06T09:30:00Z"));
  });
});
