/**
 * Keeping `report_samples` and `report_rollups` equal to the raw rows. `refreshContacts` measures a
 * contact's cases again and applies only the difference (samples removed and added) to the hourly
 * and daily rollup rows it touches: idempotent, so a re-delivered event changes nothing.
 * `rebuildAll` recomputes everything from the raw rows (`switchboard reports rebuild`).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable, Store, Tx } from "../store/index.ts";
import { runSqlRows } from "../store/reusable.ts";
import { contacts, reportRollups, reportSamples } from "../store/schema.ts";
import { type Agg, apply, emptyAgg } from "./aggregate.ts";
import { type MeasureOptions, measureContact, type Sample } from "./measure.ts";
import { bucketOf, type Grain, HOUR } from "./periods.ts";
import { loadContacts } from "./raw.ts";

export interface RollupOptions {
  /** Days are counted in this zone ([reports] timezone). */
  timeZone: string;
  measure: MeasureOptions;
}

const GRAINS: Grain[] = ["hour", "day"];
const INSERT_CHUNK = 500;

interface RollupKey {
  grain: Grain;
  bucket: number;
  metric: string;
  inbox: string;
  channel: string;
  teamId: number;
  agentId: number;
}

/** Day buckets by UTC hour, so a rebuild asks Intl once per hour rather than once per sample. */
class DayCache {
  readonly #days = new Map<number, [number, number]>();
  constructor(readonly timeZone: string) {}
  bucket(grain: Grain, at: number): number {
    if (grain === "hour") return bucketOf("hour", at, this.timeZone)[0];
    const hour = Math.floor(at / HOUR);
    const day = this.#days.get(hour);
    if (day && day[0] <= at && at < day[1]) return day[0];
    const fresh = bucketOf("day", at, this.timeZone);
    if (!day) this.#days.set(hour, fresh);
    return fresh[0];
  }
}

const keyOf = (k: RollupKey) => `${k.grain}|${k.bucket}|${k.metric}|${k.inbox}|${k.teamId}|${k.agentId}`;
/** What tells samples apart in a refresh's diff: the same text from a measured sample and a stored row. */
const identity = (...values: readonly unknown[]) => values.join("|");
const sampleKey = (s: Sample) =>
  identity(s.caseId, s.conversationId, s.metric, s.at, s.inbox, s.teamId, s.agentId, s.value, s.businessValue ?? "-");

type Change = { sample: Sample; sign: 1 | -1 };

/** The rollup rows (hourly and daily) a sample counts in. */
function keysOf(s: Sample, days: DayCache): RollupKey[] {
  return GRAINS.map((grain) => ({
    grain,
    bucket: days.bucket(grain, s.at),
    metric: s.metric,
    inbox: s.inbox,
    channel: s.channel,
    teamId: s.teamId,
    agentId: s.agentId,
  }));
}

const rollupWhere = (k: RollupKey) =>
  and(
    eq(reportRollups.grain, k.grain),
    eq(reportRollups.bucket, k.bucket),
    eq(reportRollups.metric, k.metric),
    eq(reportRollups.inbox, k.inbox),
    eq(reportRollups.teamId, k.teamId),
    eq(reportRollups.agentId, k.agentId),
  );

const rowOf = (k: RollupKey, a: Agg) => ({
  ...k,
  n: a.n,
  sum: a.sum,
  businessSum: a.businessSum,
  values: a.values,
  businessValues: a.businessValues,
});

/** Applies changes to the stored rollup rows they touch (read, change, write back; a row at n = 0 goes). */
async function applyChanges(tx: Tx, changes: Change[], days: DayCache): Promise<void> {
  const byKey = new Map<string, { key: RollupKey; changes: Change[] }>();
  for (const change of changes) {
    for (const key of keysOf(change.sample, days)) {
      const id = keyOf(key);
      const entry = byKey.get(id) ?? { key, changes: [] };
      entry.changes.push(change);
      byKey.set(id, entry);
    }
  }
  for (const { key, changes: mine } of byKey.values()) {
    const [row] = await tx.select().from(reportRollups).where(rollupWhere(key));
    const agg: Agg = row
      ? { n: row.n, sum: row.sum, businessSum: row.businessSum, values: [...row.values], businessValues: [...row.businessValues] }
      : emptyAgg();
    for (const c of mine) apply(agg, c.sample.metric, c.sample, c.sign);
    if (agg.n <= 0) await tx.delete(reportRollups).where(rollupWhere(key));
    else if (row) await tx.update(reportRollups).set(rowOf(key, agg)).where(rollupWhere(key));
    else await tx.insert(reportRollups).values(rowOf(key, agg));
  }
}

const toRow = (s: Sample) => ({ ...s });

/**
 * A contact's stored samples, by position in sampleKey's order (then id and channel): a refresh reads
 * them all (one per customer message, among others). Mapped into objects by drizzle they were most
 * of a long history's refresh: 60 of 100 ms at 10,000 messages (issue 22).
 */
const SAMPLES_OF_CONTACT = `
  SELECT case_id, conversation_id, metric, at, inbox, team_id, agent_id, value, business_value, id, channel
  FROM report_samples WHERE contact_id = ?`;
type StoredRow = unknown[];
const storedKey = (r: StoredRow) => identity(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] ?? "-");
const storedSample = (contactId: number, r: StoredRow): Sample => ({
  contactId,
  caseId: r[0] as number,
  conversationId: r[1] as number,
  metric: r[2] as string,
  at: r[3] as number,
  inbox: r[4] as string,
  teamId: r[5] as number,
  agentId: r[6] as number,
  value: r[7] as number,
  businessValue: r[8] as number | null,
  channel: r[10] as string,
});

async function insertSamples(tx: Tx, samples: Sample[]): Promise<void> {
  for (let i = 0; i < samples.length; i += INSERT_CHUNK)
    await tx.insert(reportSamples).values(samples.slice(i, i + INSERT_CHUNK).map(toRow));
}

/**
 * Measures these contacts' cases again from the raw rows and applies the difference to the samples
 * and rollups, in one transaction. Idempotent: running it twice changes nothing the second time.
 *
 * With `budgetMs`, the contacts after the one during which that much time has gone are left out
 * (the first is always refreshed): a transaction of contacts with long histories runs without a
 * turn of the event loop, so it is cut short rather than held for tens of milliseconds (issue 22).
 * Returns the contacts left out, for a later call; none without a budget.
 *
 * @example
 * await refreshContacts(store, options, [event.data.contactId]);
 * let left = [1, 2, 3];
 * while (left.length > 0) left = await refreshContacts(store, options, left, 10);
 */
export async function refreshContacts(
  store: Pick<Store, "write">,
  options: RollupOptions,
  contactIds: number[],
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<number[]> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return [];
  const days = new DayCache(options.timeZone);
  return store.write(async (tx) => {
    const started = performance.now();
    const changes: Change[] = [];
    let left: number[] = [];
    for (const [done, contactId] of ids.entries()) {
      if (done > 0 && performance.now() - started >= budgetMs) {
        left = ids.slice(done);
        break;
      }
      const rows = (await loadContacts(tx, contactId, contactId + 1)).get(contactId);
      const fresh = rows ? measureContact(rows, options.measure) : [];
      const stale = new Map<string, StoredRow[]>();
      for (const row of await runSqlRows(tx, SAMPLES_OF_CONTACT, [contactId])) {
        const k = storedKey(row);
        const same = stale.get(k);
        if (same) same.push(row);
        else stale.set(k, [row]);
      }
      const added: Sample[] = [];
      for (const s of fresh) {
        const same = stale.get(sampleKey(s));
        if (same?.length) same.pop();
        else added.push(s);
      }
      const removed: StoredRow[] = [];
      for (const rows of stale.values()) removed.push(...rows);
      const removedIds = removed.map((row) => row[9] as number);
      for (let i = 0; i < removedIds.length; i += INSERT_CHUNK)
        await tx.delete(reportSamples).where(inArray(reportSamples.id, removedIds.slice(i, i + INSERT_CHUNK)));
      await insertSamples(tx, added);
      for (const row of removed) changes.push({ sample: storedSample(contactId, row), sign: -1 });
      for (const s of added) changes.push({ sample: s, sign: 1 });
    }
    await applyChanges(tx, changes, days);
    return left;
  });
}

/**
 * Every sample of contacts with ids in [fromId, toId), computed from the raw rows (the raw
 * computation reports are checked against).
 *
 * @example
 * const all = await measureRange(db, options, 1, Number.MAX_SAFE_INTEGER);
 */
export async function measureRange(db: Queryable, options: RollupOptions, fromId: number, toId: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const rows of (await loadContacts(db, fromId, toId)).values()) out.push(...measureContact(rows, options.measure));
  return out;
}

/**
 * Recomputes every sample and rollup from the raw rows, `batch` contacts at a time; returns the counts.
 *
 * @example
 * const { contacts, samples, rollups } = await rebuildAll(store, options);
 */
export async function rebuildAll(
  store: Pick<Store, "write" | "db">,
  options: RollupOptions,
  batch = 1000,
): Promise<{ contacts: number; samples: number; rollups: number }> {
  const days = new DayCache(options.timeZone);
  const [range] = await store.db.select({ max: sql<number | null>`max(${contacts.id})`, n: sql<number>`count(*)` }).from(contacts);
  const max = range?.max ?? 0;
  const aggs = new Map<string, { key: RollupKey; agg: Agg }>();
  let samples = 0;
  await store.write(async (tx) => {
    await tx.delete(reportSamples);
    await tx.delete(reportRollups);
  });
  for (let from = 1; from <= max; from += batch) {
    const measured = await measureRange(store.db, options, from, from + batch);
    samples += measured.length;
    for (const s of measured) {
      for (const key of keysOf(s, days)) {
        const id = keyOf(key);
        let entry = aggs.get(id);
        if (!entry) {
          entry = { key, agg: emptyAgg() };
          aggs.set(id, entry);
        }
        apply(entry.agg, s.metric, s, 1);
      }
    }
    await store.write((tx) => insertSamples(tx, measured));
  }
  const rows = [...aggs.values()].map(({ key, agg }) => rowOf(key, agg));
  await store.write(async (tx) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insert(reportRollups).values(rows.slice(i, i + INSERT_CHUNK));
  });
  return { contacts: range?.n ?? 0, samples, rollups: rows.length };
}
