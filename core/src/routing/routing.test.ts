// Core routing: the router refuses agents who are offline or cannot see the inbox and asks the next
// strategy; conversations stuck unassigned escalate after the threshold, once, unless assigned.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { updateConversation } from "../conversations/update.ts";
import { conversations, jobs, messages, teamMembers } from "../store/schema.ts";
import {
  createTestAgent,
  createTestHarness,
  createTestTeam,
  type Harness,
  setTestAvailability,
  writeFixturePlugin,
} from "../testing/index.ts";

let harness: Harness;
afterEach(() => harness?.close());
const NOBODY = writeFixturePlugin(`ctx.route(() => null);`, { name: "nobody" });
const PICK_ONE = writeFixturePlugin(`ctx.route(() => ({ assigneeId: 1 }));`, { name: "pick-one" });
const TEAM_ONLY = writeFixturePlugin(`ctx.route(() => ({ teamId: 1 }));`, { name: "team-only" });

const conversation = async (id: number) =>
  (await harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;
let n = 0;
async function arrive(inbox = "test") {
  const stored = await harness.inject({ externalId: `m${++n}`, contact: { externalId: `c${n}` }, text: "Hello" }, inbox);
  await harness.drain();
  return stored.status === "stored" ? stored.conversationId : Number.NaN;
}

describe("routing in core", () => {
  it("refuses an agent who is offline or cannot see the inbox, and asks the next strategy", async () => {
    harness = await createTestHarness({
      plugins: { one: { package: PICK_ONE }, team: { package: TEAM_ONLY } },
      inboxes: { test: { plugin: "test-channel", routing: ["one", "team"] } },
    });
    const ann = await createTestAgent(harness, { name: "Ann" });
    const support = await createTestTeam(harness, "Support", { inboxes: ["test"] });
    const first = await arrive();
    expect(await conversation(first)).toMatchObject({ assigneeId: null, teamId: support.id }); // Ann is offline: the team-only strategy answers
    await setTestAvailability(harness, ann, "online");
    expect(await conversation(first)).toMatchObject({ assigneeId: null }); // online, but not in the team given the inbox
    await harness.switchboard.store.write((tx) => tx.insert(teamMembers).values({ teamId: support.id, agentId: ann.id }));
    await setTestAvailability(harness, ann, "online");
    expect(await conversation(first)).toMatchObject({ assigneeId: ann.id }); // re-queued when she could take it
  });

  it("escalates a conversation stuck unassigned past the threshold, once", async () => {
    harness = await createTestHarness({
      plugins: { nobody: { package: NOBODY } },
      config: { routing: { escalate_after_minutes: 15, escalate_to_team: "Leads" } },
      inboxes: { test: { plugin: "test-channel", routing: ["nobody"] }, other: { plugin: "test-channel", routing: [] } },
    });
    const leads = await createTestTeam(harness, "Leads");
    const escalated: unknown[] = [];
    harness.switchboard.bus.on("routing.escalated", (e) => void escalated.push(e.data));
    const stuck = await arrive();
    const taken = await arrive();
    const ann = await createTestAgent(harness, { name: "Ann" });
    await updateConversation(harness.switchboard, { id: ann.id, name: ann.name }, taken, { assigneeId: ann.id });
    await harness.drain();
    harness.clock.advance(15 * 60_000 - 1);
    await harness.drain();
    expect(escalated).toEqual([]);
    harness.clock.advance(1);
    await harness.drain();
    expect(escalated).toEqual([{ conversationId: stuck, waitedMs: 15 * 60_000 }]);
    expect(await conversation(stuck)).toMatchObject({ priority: "urgent", teamId: leads.id, assigneeId: null });
    expect(await conversation(taken)).toMatchObject({ priority: "none" });
    const notes = (await harness.switchboard.store.db.select().from(messages).where(eq(messages.conversationId, stuck))).filter(
      (m) => m.direction === "note",
    );
    expect(notes.map((m) => m.text)).toEqual(["Unassigned for 15 minutes: escalated (priority urgent, team Leads)."]);
    harness.clock.advance(60 * 60_000);
    await harness.drain();
    expect(escalated).toHaveLength(1);
    const unrouted = await arrive("other"); // an inbox with routing = [] never escalates
    expect(
      await harness.switchboard.store.db
        .select()
        .from(jobs)
        .where(eq(jobs.key, `routing:escalate:${unrouted}`)),
    ).toEqual([]);
  });
});
