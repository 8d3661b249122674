/**
 * Reports kept up to date by the durable event log: messages, replies, a resolution and a reopen
 * going through the real pipelines refresh the contact's samples and rollups (5-6 s after each
 * event, many contacts' refreshes together), which then equal a rebuild from the raw rows;
 * availability changes are recorded once.
 */
import { eq } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { setAvailability } from "../auth/availability.ts";
import { updateConversation } from "../conversations/update.ts";
import { agentAvailabilityLog, continuityReviews, jobs, reportRollups } from "../store/schema.ts";
import { createTestAgent, createTestHarness, type Harness } from "../testing/index.ts";
import { type Agg, emptyAgg } from "./aggregate.ts";
import { berlin, seedReportsDataset, TZ } from "./fixtures.ts";
import { kpiReport } from "./kpis.ts";
import { rollupOptions } from "./options.ts";
import { readGrouped } from "./read.ts";
import { rebuildAll } from "./rollups.ts";
import { REBUILD_RETRY_MS, REFRESH_DELAY_MS, REFRESH_JOB, REFRESH_MAX_DELAY_MS, recordAvailability, refreshDueAt } from "./subscriber.ts";

let harness: Harness;
afterEach(() => harness?.close());

const T0 = Date.UTC(2026, 0, 6, 10, 0); // a Tuesday, 10:00 UTC, open hours
const byNumber = (a: number, b: number) => a - b;

async function settle() {
  await harness.drain();
  harness.clock.advance(REFRESH_MAX_DELAY_MS);
  await harness.drain();
}

async function week() {
  const { groups } = await readGrouped(
    harness.switchboard.store.db,
    { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 12), inboxes: ["test"] },
    "UTC",
    () => "all",
  );
  return kpiReport(groups.get("all") ?? new Map<string, Agg>(), { business: false, hourlyCost: 0 });
}

it("rollups follow the conversation as it happens, and equal a rebuild", async () => {
  harness = await createTestHarness({ now: T0 });
  const ann = await createTestAgent(harness, { name: "Ann" });
  const stored = await harness.inject({ externalId: "m1", contact: { externalId: "c1", name: "Maria" }, text: "My invoice is wrong" });
  if (stored.status !== "stored") throw new Error("not stored");
  await settle();
  expect(await week()).toMatchObject({ cases: 1, customerMessages: 1, firstResponse: { n: 0 } });

  harness.clock.advance(4 * 60_000);
  await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, agentId: ann.id, text: "Looking into it" });
  await settle();
  expect((await week()).firstResponse).toMatchObject({ n: 1, median: 4 * 60_000 + REFRESH_MAX_DELAY_MS });

  await updateConversation(harness.switchboard, ann, stored.conversationId, { status: "resolved" });
  await settle();
  expect((await week()).resolution.n).toBe(1);
  await updateConversation(harness.switchboard, ann, stored.conversationId, { status: "open" });
  await settle();
  expect(await week()).toMatchObject({ reopens: 1, resolution: { n: 0 }, fcr: { n: 0, of: 0 } });
  await updateConversation(harness.switchboard, ann, stored.conversationId, { status: "resolved" });
  await settle();
  expect(await week()).toMatchObject({ resolution: { n: 1 }, fcr: { n: 0, of: 1 } });
  // Writing again after the resolution starts a new conversation here: a repeat contact.
  harness.clock.advance(60_000);
  await harness.inject({ externalId: "m2", contact: { externalId: "c1", name: "Maria" }, text: "Another question" });
  await settle();
  expect(await week()).toMatchObject({ cases: 2, customerMessages: 2, repeat: { n: 1, of: 2 } });

  const kept = (await harness.switchboard.store.db.select().from(reportRollups)).map((r) => JSON.stringify(r)).sort();
  const { store, loaded } = harness.switchboard;
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
  expect((await store.db.select().from(reportRollups)).map((r) => JSON.stringify(r)).sort()).toEqual(kept);
  expect(emptyAgg().n).toBe(0);
});

it("refreshes that come due while a reports rebuild holds its lease wait for it, and run after it", async () => {
  harness = await createTestHarness({ now: T0 });
  const { store } = harness.switchboard;
  // A rebuild in another process holds the lease for the next ten minutes of the database's clock.
  await store.client.execute("UPDATE report_rebuilds SET lease_until = CAST(unixepoch('subsec') * 1000 AS INTEGER) + 600000");
  await harness.inject({ externalId: "m1", contact: { externalId: "c1", name: "Maria" }, text: "Hello" });
  await settle();
  expect(await week()).toMatchObject({ cases: 0, customerMessages: 0 });
  // Waiting, not failing: the job is pending again, with no attempt counted, due after the retry delay.
  const [waiting] = await store.db.select().from(jobs).where(eq(jobs.kind, REFRESH_JOB));
  expect(waiting).toMatchObject({ status: "pending", attempts: 0, dueAt: harness.clock.now() + REBUILD_RETRY_MS });
  await store.client.execute("UPDATE report_rebuilds SET lease_until = NULL");
  harness.clock.advance(REBUILD_RETRY_MS);
  await harness.drain();
  expect(await week()).toMatchObject({ cases: 1, customerMessages: 1 });
  expect(await store.db.select().from(jobs).where(eq(jobs.kind, REFRESH_JOB))).toEqual([]);
});

it("refreshes many contacts due at once together (in chunks), and the rollups still equal a rebuild", async () => {
  harness = await createTestHarness({ now: T0 });
  const ann = await createTestAgent(harness, { name: "Ann" });
  // 40 customers (more than one chunk of contacts per transaction) write in the same second; Ann answers every other one.
  for (let i = 0; i < 40; i++) {
    const stored = await harness.inject({ externalId: `m${i}`, contact: { externalId: `c${i}`, name: `Customer ${i}` }, text: "Hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    if (i % 2 === 0) await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, agentId: ann.id, text: "Hi!" });
  }
  await settle();
  expect(await week()).toMatchObject({ cases: 40, customerMessages: 40, firstResponse: { n: 20 } });
  const kept = (await harness.switchboard.store.db.select().from(reportRollups)).map((r) => JSON.stringify(r)).sort();
  const { store, loaded } = harness.switchboard;
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
  expect((await store.db.select().from(reportRollups)).map((r) => JSON.stringify(r)).sort()).toEqual(kept);
});

it("schedules one refresh for each contact of a batch of events, and keeps a refresh already waiting as it is", async () => {
  harness = await createTestHarness({ now: T0 });
  const write = (contact: string, id: string) => harness.inject({ externalId: id, contact: { externalId: contact }, text: "Hello" });
  const idOf = async (contact: string, id: string) => {
    const stored = await write(contact, id);
    if (stored.status !== "stored") throw new Error("not stored");
    return stored.contactId;
  };
  const first: number[] = [];
  for (const contact of ["c1", "c2", "c3"]) first.push(await idOf(contact, `${contact}-first`));
  await harness.drain();
  const refreshes = async () =>
    new Map(
      (await harness.switchboard.store.db.select().from(jobs).where(eq(jobs.kind, REFRESH_JOB)))
        .filter((job) => job.status === "pending")
        .map((job) => [job.key, job.dueAt]),
    );
  // Each due REFRESH_DELAY_MS after its event and within the spread, by contact id.
  const dueFirst = first.map((id) => refreshDueAt(id, T0));
  expect(new Set(dueFirst).size).toBe(3);
  for (const due of dueFirst) expect(due - T0).toBeGreaterThanOrEqual(REFRESH_DELAY_MS);
  for (const due of dueFirst) expect(due - T0).toBeLessThan(REFRESH_MAX_DELAY_MS);
  expect([...(await refreshes()).values()].sort(byNumber)).toEqual([...dueFirst].sort(byNumber));
  // Shortly before those are due, c1, c2 and a new c4 write; the subscriber gets their events in one batch.
  harness.clock.advance(900);
  harness.switchboard.bus.setDurable(false);
  let c4 = 0;
  for (const contact of ["c1", "c2", "c4"]) {
    const id = await idOf(contact, `${contact}-second`);
    if (contact === "c4") c4 = id;
  }
  harness.switchboard.bus.setDurable(true);
  await harness.drain();
  const after = await refreshes();
  expect(after.size).toBe(4);
  expect([...after.values()].sort(byNumber)).toEqual([...dueFirst, refreshDueAt(c4, T0 + 900)].sort(byNumber));
});

it("records each availability change once, however often the event is handled", async () => {
  harness = await createTestHarness({ now: T0 });
  const ann = await createTestAgent(harness, { name: "Ann" });
  const current = async () =>
    (await harness.switchboard.store.db.select().from(agentAvailabilityLog)).filter((r) => r.agentId === ann.id).map((r) => r.availability);
  const before = await current();
  await setAvailability(harness.switchboard, { id: ann.id, availability: before.at(-1) ?? "offline" }, "online");
  await harness.drain();
  harness.clock.advance(3_600_000);
  await setAvailability(harness.switchboard, { id: ann.id, availability: "online" }, "away");
  await harness.drain();
  await recordAvailability(harness.switchboard, ann.id, "away", T0 + 3_600_000);
  await recordAvailability(harness.switchboard, ann.id, "online", T0);
  expect((await current()).slice(before.length)).toEqual(["online", "away"]);
});

it("queues the continuity sample of the week that just ended, every Monday", async () => {
  harness = await createTestHarness({
    now: berlin(3, 27, 12),
    inboxes: { chat: { plugin: "test-channel" }, mail: { plugin: "test-channel" }, tg: { plugin: "test-channel" } },
    config: { business_hours: { timezone: TZ } },
  });
  const { store, loaded } = harness.switchboard;
  await store.write((tx) => seedReportsDataset(tx));
  await rebuildAll(store, await rollupOptions(store.db, loaded.config));
  harness.clock.set(berlin(3, 30, 0) - 1);
  await harness.drain();
  expect(await store.db.select().from(continuityReviews)).toEqual([]);
  harness.clock.set(berlin(3, 30, 0));
  await harness.drain();
  // Case #10 (web chat, then email) is the week's only cross-channel case; its latest conversation is #11.
  expect(await store.db.select().from(continuityReviews)).toMatchObject([
    { caseId: 10, conversationId: 11, week: berlin(3, 23, 0), answer: null },
  ]);
  harness.clock.set(berlin(4, 6, 0));
  await harness.drain();
  expect(await store.db.select().from(continuityReviews)).toHaveLength(1);
});
