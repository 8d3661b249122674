// Issue 21.10 in the inbox: snooze presets and custom times in the agent's own time zone (DST
// included), and times shown in their zone and locale.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversations } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

describe("snoozing in the agent's time zone", () => {
  it("ends presets and typed times at the local time asked for, across a DST change, and shows it in the agent's zone", async () => {
    // Saturday 2026-03-28 19:00 in Berlin (winter time); summer time starts that night.
    ({ harness } = await inboxHarness({ now: Date.parse("2026-03-28T18:00:00Z") }));
    const bob = await signIn(harness, "bob@example.com", PASSWORD);
    await bob.post("/inbox/settings/preferences", { time_zone: "Europe/Berlin", locale: "en-GB", sign_in_availability: "online" });
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "Hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    const id = stored.conversationId;
    const until = async () =>
      (await harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.snoozedUntil;

    const page = await (await bob.get(`/inbox/conversations/${id}`)).text();
    expect(page).toContain('<button name="preset" value="tomorrow" formnovalidate="">Tomorrow 9:00</button>');

    const monday = await bob.post(`/inbox/conversations/${id}/actions/status`, { status: "snoozed", preset: "monday" }, { htmx: true });
    expect(monday.status).toBe(200);
    expect(await until()).toBe(Date.parse("2026-03-30T07:00:00Z")); // 9:00 summer time
    const head = await monday.text();
    expect(head, head.slice(0, 900)).toContain("until 30 Mar 2026, 09:00");

    await bob.post(`/inbox/conversations/${id}/actions/status`, { status: "snoozed", preset: "tomorrow" });
    expect(await until()).toBe(Date.parse("2026-03-29T07:00:00Z"));
    // A typed time is the agent's wall clock, whatever offset the browser sends.
    await bob.post(`/inbox/conversations/${id}/actions/status`, { status: "snoozed", until: "2026-04-01T14:30", tz_offset: "0" });
    expect(await until()).toBe(Date.parse("2026-04-01T12:30:00Z"));
    const bad = await bob.post(`/inbox/conversations/${id}/actions/status`, { status: "snoozed", preset: "someday" }, { htmx: true });
    expect(bad.status).toBe(422);
  });
});
