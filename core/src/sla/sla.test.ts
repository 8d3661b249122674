// SLA clocks through the real pipeline with a manual clock: business hours across a weekend and a
// holiday, pausing while pending, hit and miss recorded, next-response and resolution clocks, and
// a breach that fires in a second Switchboard process on the same database after a restart.

import { join } from "node:path";
import { eq } from "drizzle-orm";
import { stringify } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.ts";
import { parseConfigText } from "../config/load.ts";
import { updateConversation } from "../conversations/update.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import { createLogger } from "../log/index.ts";
import { workTotals } from "../perf/work.ts";
import { conversations, slaClocks } from "../store/schema.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";
import { writeFixturePlugin } from "../testing/fixtures.ts";
import { createTestAgent, createTestHarness, type Harness, type TestAgent } from "../testing/index.ts";

const MIN = 60_000;
const HOURS = { timezone: "UTC", holidays: ["2025-01-13"] }; // Monday 13 January 2025 is a holiday.
let harness: Harness;
let other: Switchboard | undefined;
afterEach(async () => {
  await other?.stop();
  other = undefined;
  await harness?.close();
});

async function start(now: number, inboxes: NonNullable<Parameters<typeof createTestHarness>[0]>["inboxes"] = {}) {
  harness = await createTestHarness({ now, config: { business_hours: HOURS }, inboxes });
  const agent = await createTestAgent(harness, { name: "Ann" });
  const events: string[] = [];
  harness.switchboard.bus.on("*", (e: SwitchboardEvent) => {
    if (e.name.startsWith("sla.")) events.push(`${e.name}:${(e.data as { target: string }).target}`);
  });
  return { agent, events };
}

let n = 0;
async function customerWrites(text = "Help!") {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: "grace" }, text });
  await harness.drain();
  return stored.status === "stored" ? stored.conversationId : Number.NaN;
}
const clocksOf = async (id: number) =>
  harness.switchboard.store.db.select().from(slaClocks).where(eq(slaClocks.conversationId, id)).orderBy(slaClocks.id);
const dueOf = async (id: number) =>
  (await harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.slaDueAt;
async function advanceTo(at: number) {
  harness.clock.set(at);
  await harness.drain();
}
async function agentReplies(agent: TestAgent, conversationId: number) {
  await harness.switchboard.outbound.reply({ conversationId, agentId: agent.id, text: "On it." });
  await harness.drain();
}

describe("SLA clocks", () => {
  it("count business hours only, across a weekend, and record a miss", async () => {
    const { agent, events } = await start(Date.UTC(2025, 0, 3, 16, 50)); // Friday 16:50
    const id = await customerWrites();
    const [first, resolution] = await clocksOf(id);
    expect(first).toMatchObject({ target: "first_response", targetMs: 30 * MIN, dueAt: Date.UTC(2025, 0, 6, 9, 20) }); // Monday 09:20
    expect(resolution).toMatchObject({ target: "resolution", targetMs: 24 * 60 * MIN });
    expect(await dueOf(id)).toBe(Date.UTC(2025, 0, 6, 9, 20));

    await advanceTo(Date.UTC(2025, 0, 6, 9, 13)); // Saturday and Sunday count nothing.
    expect(events).toEqual([]);
    await advanceTo(Date.UTC(2025, 0, 6, 9, 14)); // 80 % of 30 minutes: 10 on Friday + 14 on Monday.
    expect(events).toEqual(["sla.warning:first_response"]);
    await advanceTo(Date.UTC(2025, 0, 6, 9, 20));
    expect(events).toEqual(["sla.warning:first_response", "sla.breached:first_response"]);

    await agentReplies(agent, id);
    const [answered] = await clocksOf(id);
    expect(answered).toMatchObject({ outcome: "miss", stoppedAt: Date.UTC(2025, 0, 6, 9, 20), elapsedMs: 30 * MIN });
    expect(await dueOf(id)).toBe(resolution!.dueAt);
  });

  it("start and stop clocks at the events' times when the SLA subscriber gets to them late", async () => {
    const t0 = Date.UTC(2025, 0, 7, 10, 0); // Tuesday 10:00
    const { agent } = await start(t0);
    // The durable subscribers fall behind (a burst, a restart): the customer's message and the
    // agent's reply are handled ten and twenty minutes after they were written.
    harness.switchboard.bus.setDurable(false);
    const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: "grace" }, text: "Help!" });
    const id = stored.status === "stored" ? stored.conversationId : Number.NaN;
    harness.clock.set(t0 + 5 * MIN);
    await harness.switchboard.outbound.reply({ conversationId: id, agentId: agent.id, text: "On it." });
    harness.clock.set(t0 + 20 * MIN);
    harness.switchboard.bus.setDurable(true);
    await harness.drain();
    const [first, resolution] = await clocksOf(id);
    expect(first).toMatchObject({ target: "first_response", startedAt: t0, stoppedAt: t0 + 5 * MIN, elapsedMs: 5 * MIN, outcome: "hit" });
    expect(resolution).toMatchObject({ target: "resolution", startedAt: t0, dueAt: Date.UTC(2025, 0, 10, 10, 0) }); // 24 business hours: Friday 10:00
  });

  it("read ahead for a batch of customers' messages, and read again for a conversation whose clocks the batch changed", async () => {
    const t0 = Date.UTC(2025, 0, 7, 10, 0); // Tuesday 10:00
    const { agent } = await start(t0);
    const grace = await customerWrites(); // first response clock running
    const adaId = async (text: string) => {
      const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: "ada" }, text });
      return stored.status === "stored" ? stored.conversationId : Number.NaN;
    };
    // One batch for the SLA subscriber: the agent answers Grace (her clock stops), Grace writes
    // again (a next-response clock must start, though the batch began with her clock running),
    // and Ada writes for the first time.
    harness.switchboard.bus.setDurable(false);
    harness.clock.set(t0 + 5 * MIN);
    await harness.switchboard.outbound.reply({ conversationId: grace, agentId: agent.id, text: "On it." });
    harness.clock.set(t0 + 6 * MIN);
    await harness.inject({ externalId: `m${++n}`, contact: { externalId: "grace" }, text: "Thanks, one more thing" });
    const ada = await adaId("Hello");
    harness.switchboard.bus.setDurable(true);
    await harness.drain();
    expect((await clocksOf(grace)).map((c) => [c.target, c.stoppedAt])).toEqual([
      ["first_response", t0 + 5 * MIN],
      ["resolution", null],
      ["next_response", null],
    ]);
    expect((await clocksOf(grace))[2]).toMatchObject({ startedAt: t0 + 6 * MIN });
    expect((await clocksOf(ada)).map((c) => c.target)).toEqual(["first_response", "resolution"]);
    // Both write again in one batch while their response clocks run: nothing changes.
    harness.switchboard.bus.setDurable(false);
    await harness.inject({ externalId: `m${++n}`, contact: { externalId: "grace" }, text: "Still there?" });
    await adaId("Hello?");
    harness.switchboard.bus.setDurable(true);
    await harness.drain();
    expect((await clocksOf(grace)).length).toBe(3);
    expect((await clocksOf(ada)).length).toBe(2);
  });

  it("start a burst of new conversations' clocks a few transactions at a time, each at its message's time", async () => {
    const t0 = Date.UTC(2025, 0, 7, 10, 0); // Tuesday 10:00
    await start(t0);
    harness.switchboard.bus.setDurable(false);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      harness.clock.set(t0 + i * 1_000);
      const stored = await harness.inject({ externalId: `burst${i}`, contact: { externalId: `burst${i}` }, text: "Help!" });
      if (stored.status === "stored") ids.push(stored.conversationId);
    }
    const commits = () => workTotals()["store.group_commits"] ?? 0;
    const before = commits();
    harness.switchboard.bus.setDurable(true);
    await harness.drain();
    // One commit per conversation before (and as many again for the reports subscriber's schedule).
    expect(commits() - before).toBeLessThan(12);
    for (const [i, id] of ids.entries())
      expect((await clocksOf(id)).map((c) => [c.target, c.startedAt])).toEqual([
        ["first_response", t0 + i * 1_000],
        ["resolution", t0 + i * 1_000],
      ]);
  });

  it("skip a holiday", async () => {
    const { events } = await start(Date.UTC(2025, 0, 10, 16, 50)); // Friday before the holiday Monday
    const id = await customerWrites();
    expect((await clocksOf(id))[0]!.dueAt).toBe(Date.UTC(2025, 0, 14, 9, 20)); // Tuesday 09:20
    await advanceTo(Date.UTC(2025, 0, 13, 16, 59));
    expect(events).toEqual([]);
  });

  it("pause while pending or snoozed, and resume when the conversation reopens", async () => {
    const { agent, events } = await start(Date.UTC(2025, 0, 7, 10, 0)); // Tuesday 10:00
    const id = await customerWrites();
    harness.clock.set(Date.UTC(2025, 0, 7, 10, 10));
    await updateConversation(harness.switchboard, { id: agent.id, name: agent.name }, id, { status: "pending" });
    await harness.drain();
    expect(await clocksOf(id)).toMatchObject([{ runningSince: null, dueAt: null, elapsedMs: 10 * MIN }, { elapsedMs: 10 * MIN }]);
    expect(await dueOf(id)).toBeNull();

    await advanceTo(Date.UTC(2025, 0, 7, 15, 0));
    expect(events).toEqual([]);
    await customerWrites("Any news?"); // the customer's message reopens it: 20 minutes are left.
    expect((await clocksOf(id))[0]).toMatchObject({ runningSince: Date.UTC(2025, 0, 7, 15, 0), dueAt: Date.UTC(2025, 0, 7, 15, 20) });

    harness.clock.set(Date.UTC(2025, 0, 7, 15, 5));
    await updateConversation(harness.switchboard, { id: agent.id, name: agent.name }, id, {
      status: "snoozed",
      snoozedUntil: Date.UTC(2025, 0, 8, 9, 0),
    });
    await harness.drain();
    await advanceTo(Date.UTC(2025, 0, 8, 9, 0)); // the snooze ends: reopened, 15 minutes left
    expect((await clocksOf(id))[0]).toMatchObject({ elapsedMs: 15 * MIN, dueAt: Date.UTC(2025, 0, 8, 9, 15) });
    await advanceTo(Date.UTC(2025, 0, 8, 9, 15));
    expect(events).toEqual(["sla.warning:first_response", "sla.breached:first_response"]);
  });

  it("record hits, run a next-response clock after an answer, and stop everything on resolution", async () => {
    const { agent } = await start(Date.UTC(2025, 0, 7, 10, 0));
    const id = await customerWrites();
    await advanceTo(Date.UTC(2025, 0, 7, 10, 5));
    await agentReplies(agent, id);
    await advanceTo(Date.UTC(2025, 0, 7, 10, 30));
    await customerWrites("Thanks, one more thing");
    let clocks = await clocksOf(id);
    expect(clocks.map((c) => [c.target, c.outcome])).toEqual([
      ["first_response", "hit"],
      ["resolution", null],
      ["next_response", null],
    ]);
    expect(clocks[2]!.dueAt).toBe(Date.UTC(2025, 0, 7, 11, 0));
    await harness.switchboard.outbound.reply({ conversationId: id, agentId: null, text: "An automated answer" });
    await harness.drain();
    expect((await clocksOf(id))[2]!.stoppedAt).toBeNull(); // automations do not answer for agents
    await updateConversation(harness.switchboard, { id: agent.id, name: agent.name }, id, { status: "resolved" });
    await harness.drain();
    clocks = await clocksOf(id);
    expect(clocks.map((c) => [c.target, c.outcome])).toEqual([
      ["first_response", "hit"],
      ["resolution", "hit"],
      ["next_response", "cancelled"],
    ]);
    expect(await dueOf(id)).toBeNull();
  });

  it("use the inbox's targets and hours over the defaults, and start no clock for auto-replies", async () => {
    await start(Date.UTC(2025, 0, 4, 12, 0), {
      test: {
        plugin: "test-channel",
        sla: { first_response_minutes: 5, resolution_minutes: 0 },
        business_hours: { timezone: "UTC", days: { saturday: "10:00-14:00" } },
      },
    });
    const id = await customerWrites();
    expect(await clocksOf(id)).toMatchObject([{ target: "first_response", dueAt: Date.UTC(2025, 0, 4, 12, 5) }]);
    const auto = await harness.inject({
      externalId: "ooo",
      contact: { externalId: "someone" },
      text: "I am out of office",
      metadata: { autoReply: true },
    });
    await harness.drain();
    expect(auto.status === "stored" && (await clocksOf(auto.conversationId))).toEqual([]);
  });

  it("take their defaults from the family a channel declares, never from its name", async () => {
    const now = Date.UTC(2025, 0, 7, 10, 0); // a Tuesday, in business hours
    const channels = writeFixturePlugin(
      `
      const adapter = () => ({ async send() { return {}; } });
      ctx.channel("kiosk", { family: "live-chat", create: adapter });
      ctx.channel("forum", { family: "social", create: adapter });
      ctx.channel("webchat", { create: adapter }); // named like a live chat, but declares no family
    `,
      { name: "channels" },
    );
    harness = await createTestHarness({
      now,
      config: { business_hours: HOURS },
      plugins: { channels: { package: channels } },
      inboxes: {
        lobby: { plugin: "channels", channel: "kiosk" },
        board: { plugin: "channels", channel: "forum" },
        site: { plugin: "channels", channel: "webchat" },
      },
    });
    const firstResponseDue = async (inbox: string) => {
      const stored = await harness.inject(
        { externalId: `in-${inbox}`, contact: { externalId: `visitor-${inbox}` }, text: "Hello?" },
        inbox,
      );
      await harness.drain();
      if (stored.status !== "stored") throw new Error(`not stored: ${stored.status}`);
      return (await clocksOf(stored.conversationId)).find((c) => c.target === "first_response")?.dueAt;
    };
    expect(harness.switchboard.registry.familyOf("webchat")).toBe("messaging");
    expect(await firstResponseDue("lobby")).toBe(now + 2 * MIN);
    expect(await firstResponseDue("board")).toBe(now + 60 * MIN);
    expect(await firstResponseDue("site")).toBe(now + 30 * MIN);
  });

  it("fires a breach after a restart, in another Switchboard on the same database", async () => {
    harness = await createTestHarness({ now: Date.UTC(2025, 0, 7, 10, 0), config: { business_hours: HOURS }, keepFiles: true });
    const id = await customerWrites();
    const due = (await clocksOf(id))[0]!.dueAt!;
    await harness.close();

    const file = join(harness.dir, "switchboard.toml");
    const loaded = parseConfigText(
      stringify({ store: { url: `file:${join(harness.dir, "switchboard.db")}` }, business_hours: HOURS }),
      file,
      {},
    );
    const clock = new ManualClock(due - 1);
    other = await createSwitchboard(loaded, { clock, log: createLogger({ level: "silent" }), backgroundWorkers: false });
    const breached: unknown[] = [];
    other.bus.on("sla.breached", (e) => void breached.push(e.data));
    await other.jobs.runDue();
    await other.bus.idle();
    expect(breached).toEqual([]);
    clock.set(due);
    await other.jobs.runDue();
    await other.bus.idle();
    expect(breached).toEqual([{ conversationId: id, target: "first_response", dueAt: due }]);
    const [row] = await other.store.db.select().from(slaClocks).where(eq(slaClocks.conversationId, id));
    expect(row).toMatchObject({ breachedAt: due, outcome: "miss" });
  });
});
