/**
 * Every KPI of docs/kpis.md on the hand-computed dataset (fixtures.ts), read from the raw rows and
 * from the rollups, for the week of the DST change, the week before and the week after; and the
 * rollups kept by per-contact refreshes (in any order, repeated) equal a rebuild from the raw rows.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { reportRollups } from "../store/schema.ts";
import { createTestKernel, type TestKernel } from "../testing/index.ts";
import { type Agg, apply, emptyAgg } from "./aggregate.ts";
import { ANN, BOB, berlin, seedReportsDataset, TZ } from "./fixtures.ts";
import { type KpiReport, kpiReport } from "./kpis.ts";
import type { Sample } from "./measure.ts";
import { rollupOptions } from "./options.ts";
import { weekOf } from "./periods.ts";
import { readGrouped } from "./read.ts";
import { measureRange, type RollupOptions, rebuildAll, refreshContacts } from "./rollups.ts";

const MIN = 60_000;
const config = configSchema.parse({ business_hours: { timezone: TZ }, reports: { agent_hourly_cost: 30 } });
const INBOXES = ["chat", "mail", "tg"];

let kernel: TestKernel;
let options: RollupOptions;
beforeEach(async () => {
  kernel = await createTestKernel({ now: berlin(4, 20, 12) });
  await seedReportsDataset(kernel.store.db);
  options = await rollupOptions(kernel.store.db, config);
});
afterEach(() => kernel.close());

/** The raw computation: every sample measured from the raw rows, kept when in [from, to). */
async function raw(from: number, to: number, keep: (s: Sample) => boolean = () => true): Promise<Map<string, Agg>> {
  const out = new Map<string, Agg>();
  for (const s of await measureRange(kernel.store.db, options, 1, 1000)) {
    if (s.at < from || s.at >= to || !keep(s)) continue;
    const agg = out.get(s.metric) ?? emptyAgg();
    apply(agg, s.metric, s, 1);
    out.set(s.metric, agg);
  }
  return out;
}

async function fromRollups(from: number, to: number, extra: { channel?: string } = {}) {
  const { groups, source } = await readGrouped(kernel.store.db, { from, to, inboxes: INBOXES, ...extra }, TZ, () => "all");
  return { aggs: groups.get("all") ?? new Map<string, Agg>(), source };
}

const clock = (aggs: Map<string, Agg>) => kpiReport(aggs, { business: false, hourlyCost: 30 });
const business = (aggs: Map<string, Agg>) => kpiReport(aggs, { business: true, hourlyCost: 30 });

describe("the week of the DST change (Mon 23 March to Mon 30 March 2026, Berlin)", () => {
  const [from, to] = weekOf(berlin(3, 25, 12), TZ);

  it("is a 167-hour week", () => {
    expect([from, to]).toEqual([berlin(3, 23, 0), berlin(3, 30, 0)]);
    expect((to - from) / 3_600_000).toBe(167);
  });

  const expectWeek = (r: KpiReport, b: KpiReport) => {
    // Cases: #10 (+#11), #20, #30, #31, #40; the merged-away #32 is not one.
    expect(r.cases).toBe(5);
    // Customer messages: not the greeting, the bot, the auto-reply or the survey answers.
    expect(r.customerMessages).toBe(9);
    expect(r.switching).toEqual({ n: 1, of: 5, rate: 0.2, switches: [{ from: "webchat", to: "email", n: 1 }] });
    expect(r.repeat).toEqual({ n: 1, of: 5, rate: 0.2 });
    // #10: 90 min (answered on email, the greeting and the bot do not count); #30: 10 min; #31: 30 min;
    // #20: Friday 16:00 CET to Monday 09:30 CEST is 64.5 h of clock (not 65.5), 1.5 h of business time.
    expect(r.firstResponse).toEqual({ n: 4, mean: 60_000_000, median: 30 * MIN, p90: 64.5 * 60 * MIN });
    expect(b.firstResponse).toEqual({ n: 4, mean: 3_300_000, median: 30 * MIN, p90: 90 * MIN });
    // #10's second wait began on email at 12:00 and was answered on web chat at 12:40.
    expect(r.nextResponse).toEqual({ n: 1, mean: 40 * MIN, median: 40 * MIN, p90: 40 * MIN });
    // Resolved: #10 (190 min, when its last conversation was), #30 (20 min), #31 (60 min).
    expect(r.resolution).toEqual({ n: 3, mean: 90 * MIN, median: 60 * MIN, p90: 190 * MIN });
    // #10 yes; #30 no (the same customer came back on email the next day); #31 yes.
    expect(r.fcr).toEqual({ n: 2, of: 3, rate: 2 / 3 });
    expect(r.reopens).toBe(0);
    expect(r.csat).toEqual({ n: 2, mean: 3.5, median: 2, p90: 5, satisfied: { n: 1, of: 2, rate: 0.5 } });
    expect(r.ces).toEqual({ n: 2, mean: 4.5, median: 3, p90: 6 });
    // Handle time: contact 1 44 min, contact 3 41 min (actions capped at 10 min).
    expect(r.handleMs).toBe(85 * MIN);
    expect(r.costPerResolution).toBeCloseTo(((85 / 60) * 30) / 3, 10);
    expect(r.sla[0]).toEqual({ target: "first_response", hit: 1, miss: 1, rate: 0.5 });
    expect(r.sla[2]).toEqual({ target: "resolution", hit: 0, miss: 0, rate: null });
  };

  it("has the hand-computed value of every KPI, from the raw rows", async () => {
    const aggs = await raw(from, to);
    expectWeek(clock(aggs), business(aggs));
  });

  it("has the same values from the daily rollups after a rebuild", async () => {
    await rebuildAll(kernel.store, options);
    const { aggs, source } = await fromRollups(from, to);
    expect(source).toBe("day");
    expectWeek(clock(aggs), business(aggs));
  });

  it("first response per channel is counted on the channel where the case began", async () => {
    await rebuildAll(kernel.store, options);
    const { groups } = await readGrouped(kernel.store.db, { from, to, inboxes: INBOXES }, TZ, (r) => r.channel);
    const frt = (channel: string) => clock(groups.get(channel) ?? new Map()).firstResponse;
    expect(frt("webchat")).toMatchObject({ n: 2, median: 10 * MIN, p90: 90 * MIN });
    expect(frt("email")).toMatchObject({ n: 1, median: 30 * MIN });
    expect(frt("telegram")).toMatchObject({ n: 1, median: 64.5 * 60 * MIN });
    expect(clock(groups.get("email")!).nextResponse).toMatchObject({ n: 1, median: 40 * MIN });
  });

  it("an agent filter counts what that agent did", async () => {
    await rebuildAll(kernel.store, options);
    const { groups } = await readGrouped(kernel.store.db, { from, to, inboxes: INBOXES, agentId: BOB }, TZ, () => "all");
    const r = clock(groups.get("all")!);
    expect(r.firstResponse).toMatchObject({ n: 2, median: 30 * MIN });
    expect(r.handleMs).toBe((4 + 10 + 10) * MIN);
    const ann = (await readGrouped(kernel.store.db, { from, to, inboxes: INBOXES, agentId: ANN }, TZ, () => "all")).groups.get("all")!;
    expect(clock(ann).resolution).toMatchObject({ n: 2 });
  });

  it("the 23-hour Sunday is one daily bucket", async () => {
    await rebuildAll(kernel.store, options);
    const day = await fromRollups(berlin(3, 29, 0), berlin(3, 30, 0));
    expect(day.source).toBe("day");
    expect(clock(day.aggs).cases).toBe(1);
    expect(berlin(3, 30, 0) - berlin(3, 29, 0)).toBe(23 * 3_600_000);
  });
});

describe("the weeks around it", () => {
  it("the week after has the reopened Telegram case: no first-contact resolution", async () => {
    const [from, to] = weekOf(berlin(3, 25, 12), TZ, 1);
    const r = clock(await raw(from, to));
    expect(r.cases).toBe(0);
    expect(r.reopens).toBe(1);
    expect(r.nextResponse).toMatchObject({ n: 1, median: 15 * MIN });
    // Friday 16:00 CET to Monday 11:20 CEST: 66 h 20 min; in business time 1 h + 2 h 20 min.
    expect(r.resolution).toMatchObject({ n: 1, median: (66 * 60 + 20) * MIN });
    expect(business(await raw(from, to)).resolution).toMatchObject({ median: 200 * MIN });
    expect(r.fcr).toEqual({ n: 0, of: 1, rate: 0 });
    expect(r.handleMs).toBe(35 * MIN);
  });

  it("the week before has one case answered in 6 minutes", async () => {
    const [from, to] = weekOf(berlin(3, 25, 12), TZ, -1);
    const r = clock(await raw(from, to));
    expect(r).toMatchObject({ cases: 1, fcr: { n: 1, of: 1 }, handleMs: 10 * MIN });
    expect(r.firstResponse).toMatchObject({ n: 1, median: 6 * MIN });
  });
});

describe("rollups", () => {
  const everything = async () =>
    (await kernel.store.db.select().from(reportRollups))
      .map((r) => ({ ...r }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  /** An agent's late reply in contact 4's Telegram conversation 40, on Monday 30 March at 9:`minute`; its id. */
  const lateReply = async (minute: number) => {
    const { messages } = await import("../store/schema.ts");
    const [row] = await kernel.store.db
      .insert(messages)
      .values({
        conversationId: 40,
        contactId: 4,
        inbox: "tg",
        channel: "telegram",
        direction: "outgoing",
        authorAgentId: ANN,
        createdAt: berlin(3, 30, 9, minute),
      })
      .returning({ id: messages.id });
    return row!.id;
  };
  /** The store, with `meanwhile` run between a refresh's measuring (its read snapshot) and its writes. */
  const storeWith = (meanwhile: () => Promise<unknown>) => ({
    write: kernel.store.write,
    read: async <T>(fn: Parameters<typeof kernel.store.read<T>>[0]) => {
      const measured = await kernel.store.read(fn);
      await meanwhile();
      return measured;
    },
  });
  const expectEqualToRebuild = async () => {
    const incremental = await everything();
    await rebuildAll(kernel.store, options, 2);
    expect(incremental).toEqual(await everything());
  };

  it("kept contact by contact, in any order and repeated, equal a rebuild from the raw rows", async () => {
    await refreshContacts(kernel.store, options, [3, 1]);
    await refreshContacts(kernel.store, options, [5, 2, 4, 3]);
    await refreshContacts(kernel.store, options, [1, 2, 3, 4, 5]);
    const incremental = await everything();
    await rebuildAll(kernel.store, options, 2);
    expect(incremental).toEqual(await everything());
    expect(incremental.length).toBeGreaterThan(0);
  });

  it("a refresh with a time budget does the first contact and leaves the rest to later calls, which end equal to a rebuild", async () => {
    const calls: number[][] = [];
    for (let left = [1, 2, 3, 4, 5]; left.length > 0; left = await refreshContacts(kernel.store, options, left, 0)) calls.push(left);
    expect(calls).toEqual([[1, 2, 3, 4, 5], [2, 3, 4, 5], [3, 4, 5], [4, 5], [5]]);
    await expectEqualToRebuild();
    expect(await refreshContacts(kernel.store, options, [1, 2, 3])).toEqual([]);
  });

  it("a refresh with nothing new keeps every stored sample row: the stored and the measured samples match one by one", async () => {
    await rebuildAll(kernel.store, options);
    const { reportSamples } = await import("../store/schema.ts");
    const ids = async () => (await kernel.store.db.select({ id: reportSamples.id }).from(reportSamples)).map((r) => r.id).sort();
    const before = await ids();
    await refreshContacts(kernel.store, options, [1, 2, 3, 4, 5]);
    expect(before.length).toBeGreaterThan(0);
    expect(await ids()).toEqual(before);
  });

  it("a refresh whose stored samples another refresh replaced while it measured measures again in its transaction, and ends equal to a rebuild", async () => {
    await rebuildAll(kernel.store, options);
    await lateReply(15);
    // Another process's refresh of the same contact, between this one's measuring and its writes,
    // after one more reply: the first refresh's difference is stale (it would add the first reply twice).
    const meanwhile = async () => {
      await lateReply(20);
      await refreshContacts(kernel.store, options, [4]);
    };
    await refreshContacts(storeWith(meanwhile), options, [4]);
    await expectEqualToRebuild();
  });

  it("a refresh overtaken by another refresh of the contact that changed nothing measures again in its write", async () => {
    await rebuildAll(kernel.store, options);
    const { messages } = await import("../store/schema.ts");
    const { eq } = await import("drizzle-orm");
    const reply = await lateReply(15);
    // After this refresh's snapshot (which holds the reply), the reply is deleted again and another
    // refresh finds the stored samples right: it writes no sample, and this one's difference is stale.
    const meanwhile = async () => {
      await kernel.store.db.delete(messages).where(eq(messages.id, reply));
      await refreshContacts(kernel.store, options, [4]);
    };
    await refreshContacts(storeWith(meanwhile), options, [4]);
    await expectEqualToRebuild();
  });

  it.each([
    ["after refreshes stamped its contacts", () => refreshContacts(kernel.store, options, [1, 2, 3, 4, 5])],
    // No refresh has stamped the contacts: only the rebuilds' generation says the snapshot is stale.
    ["when only a rebuild wrote their samples", () => rebuildAll(kernel.store, options)],
  ])("a refresh that measured before a rebuild measures again in its write after it, %s", async (_, before) => {
    await before();
    await lateReply(15);
    await refreshContacts(
      storeWith(() => rebuildAll(kernel.store, options)),
      options,
      [1, 4],
    );
    await expectEqualToRebuild();
  });

  /** The store, with `meanwhile` run once after a rebuild's first write (it holds the lease then). */
  const rebuildingStore = (meanwhile: () => Promise<unknown>) => {
    let writes = 0;
    return {
      db: kernel.store.db,
      write: async <T>(fn: Parameters<typeof kernel.store.write<T>>[0]) => {
        const result = await kernel.store.write(fn);
        if (++writes === 1) await meanwhile();
        return result;
      },
    };
  };

  it("during a rebuild, refreshes and a second rebuild write nothing and say why; the rebuild completes, and refreshes after it end equal to a rebuild", async () => {
    await refreshContacts(kernel.store, options, [1, 2, 3, 4, 5]);
    const rebuilding = {
      code: "SWB_ERR_REPORTS_REBUILDING",
      message: expect.stringMatching(/reports rebuild is running .*run it again after/),
    };
    const meanwhile = async () => {
      await lateReply(15);
      await expect(refreshContacts(kernel.store, options, [4])).rejects.toMatchObject(rebuilding);
      await expect(rebuildAll(kernel.store, options)).rejects.toMatchObject(rebuilding);
    };
    // Two contacts a batch: contact 4's samples are measured after the late reply.
    const result = await rebuildAll(rebuildingStore(meanwhile), options, 2);
    expect(result.rollups).toBeGreaterThan(0);
    await refreshContacts(kernel.store, options, [4]);
    await expectEqualToRebuild();
  });

  it("a rebuild that fails ends its lease: refreshes write again, and the next rebuild runs", async () => {
    let writes = 0;
    const broken = {
      db: kernel.store.db,
      write: async <T>(fn: Parameters<typeof kernel.store.write<T>>[0]): Promise<T> => {
        const result = await kernel.store.write(fn);
        if (writes++ === 1) throw new Error("disk full");
        return result;
      },
    };
    await expect(rebuildAll(broken, options, 2)).rejects.toThrow("disk full");
    // Partial reports until a rebuild completes: two contacts' samples, no rollups.
    expect(await everything()).toEqual([]);
    await expect(refreshContacts(kernel.store, options, [1, 2, 3, 4, 5])).resolves.toEqual([]);
    await rebuildAll(kernel.store, options);
    expect((await everything()).length).toBeGreaterThan(0);
    await refreshContacts(kernel.store, options, [1, 2, 3, 4, 5]);
    await expectEqualToRebuild();
  });

  it("a long history (150 cases of two conversations, 3,000 messages) is measured in parts with turns of the event loop between, and ends equal to a rebuild", async () => {
    // Conversations 1151-1300 each join the case of conversation 150 before (a part of 100 conversations
    // before), 30 seconds after it: the parts, read by conversation id, must be merged by time.
    const start = berlin(1, 5, 9);
    await kernel.store.client.executeMultiple(`
      INSERT INTO contacts (id, name) VALUES (60, 'Long History');
      WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 300)
      INSERT INTO conversations (id, contact_id, case_id, inbox, channel, status, created_at, last_activity_at, updated_at)
      SELECT 1000 + i, 60, CASE WHEN i > 150 THEN 850 + i END, 'chat', 'webchat', 'resolved',
        ${start} + (i % 150) * 3600000 + (i / 151) * 30000, ${start}, ${start} FROM k;
      WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 9)
      INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, author_agent_id, text, metadata, created_at, updated_at)
      SELECT c.id, 60, c.inbox, c.channel,
        CASE WHEN k.j = 9 THEN 'activity' WHEN k.j % 2 = 0 THEN 'incoming' ELSE 'outgoing' END,
        CASE WHEN k.j % 2 = 1 THEN ${ANN} END, 'm',
        CASE WHEN k.j = 9 THEN '{"activity":"status","from":"open","to":"resolved"}' ELSE '{}' END,
        c.created_at + k.j * 60000, c.created_at + k.j * 60000 FROM conversations c, k WHERE c.contact_id = 60;
    `);
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    // A budget of 0 gives a turn at every step: 150 cases, and the messages and stored samples read in parts.
    await refreshContacts(kernel.store, options, [60], 0);
    done = true;
    expect(turns).toBeGreaterThan(150);
    await refreshContacts(kernel.store, options, [1, 2, 3, 4, 5]);
    await expectEqualToRebuild();
    const { reportSamples } = await import("../store/schema.ts");
    const { eq } = await import("drizzle-orm");
    // More stored samples than one read takes, and a second refresh with nothing new keeps them all.
    const ids = async () =>
      (await kernel.store.db.select({ id: reportSamples.id }).from(reportSamples).where(eq(reportSamples.contactId, 60))).map((r) => r.id);
    const before = await ids();
    expect(before.length).toBeGreaterThan(2000);
    await refreshContacts(kernel.store, options, [60], 0);
    expect(await ids()).toEqual(before);
  });

  it("follow a change of the raw rows (a late reply), and read the same as the raw computation", async () => {
    await rebuildAll(kernel.store, options);
    await lateReply(15);
    await refreshContacts(kernel.store, options, [4]);
    const [from, to] = weekOf(berlin(3, 25, 12), TZ);
    const rolled = clock((await fromRollups(from, to)).aggs);
    expect(rolled).toEqual(clock(await raw(from, to)));
    // Sunday 10:00 to Monday 09:15 (clock), and 15 minutes of Monday morning in business time.
    expect(rolled.firstResponse.n).toBe(5);
    expect(business((await fromRollups(from, to)).aggs).firstResponse.p90).toBe(90 * MIN);
  });

  it("an hour-aligned period reads the hourly rollups, an unaligned one the samples, with the same answer as raw", async () => {
    await rebuildAll(kernel.store, options);
    const hour = await fromRollups(berlin(3, 24, 10), berlin(3, 24, 12));
    expect(hour.source).toBe("hour");
    expect(clock(hour.aggs)).toEqual(clock(await raw(berlin(3, 24, 10), berlin(3, 24, 12))));
    const odd = await fromRollups(berlin(3, 24, 10, 3), berlin(3, 24, 12, 1));
    expect(odd.source).toBe("samples");
    expect(clock(odd.aggs)).toEqual(clock(await raw(berlin(3, 24, 10, 3), berlin(3, 24, 12, 1))));
    expect(clock(odd.aggs).customerMessages).toBe(3);
  });
});
