/**
 * Keeping `report_samples` and `report_rollups` equal to the raw rows. `refreshContacts` measures a
 * contact's cases again and applies only the difference (samples removed and added) to the hourly
 * and daily rollup rows it touches: idempotent, so a re-delivered event changes nothing.
 * `rebuildAll` recomputes everything from the raw rows (`switchboard reports rebuild`), under a lease
 * that keeps refreshes from writing meanwhile (`report_rebuilds`).
 */
import { sql } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { SLICE_MS, Slicer, turn } from "../perf/turn.ts";
import type { Queryable, Store, Tx } from "../store/index.ts";
import { runSqlRows } from "../store/reusable.ts";
import { contacts, reportRollups, reportSamples } from "../store/schema.ts";
import { type Agg, apply, emptyAgg } from "./aggregate.ts";
import { type MeasureOptions, measureContact, measureContactPausing, type Sample } from "./measure.ts";
import { bucketOf, type Grain, HOUR } from "./periods.ts";
import { loadContacts } from "./raw.ts";

export interface RollupOptions {
  /** Days are counted in this zone ([reports] timezone). */
  timeZone: string;
  measure: MeasureOptions;
}

const GRAINS: Grain[] = ["hour", "day"];
/** Sample ids per delete. */
const DELETE_CHUNK = 500;

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

/**
 * The refresh's writes, as SQL written once (store/reusable.ts, runSqlRows): built by drizzle on every
 * call, a samples insert cost about 120 µs and each rollup row's read and write about 80 µs before
 * SQLite ran them, most of a refresh's writing (issue 22).
 */
const ROLLUP_KEY = "grain = ? AND bucket = ? AND metric = ? AND inbox = ? AND team_id = ? AND agent_id = ?";
const ROLLUP_OF_KEY = `SELECT n, sum, business_sum, "values", business_values FROM report_rollups WHERE ${ROLLUP_KEY}`;
const UPDATE_ROLLUP = `UPDATE report_rollups SET channel = ?, n = ?, sum = ?, business_sum = ?, "values" = ?, business_values = ? WHERE ${ROLLUP_KEY}`;
const INSERT_ROLLUP = `INSERT INTO report_rollups (channel, n, sum, business_sum, "values", business_values, grain, bucket, metric, inbox, team_id, agent_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const DELETE_ROLLUP = `DELETE FROM report_rollups WHERE ${ROLLUP_KEY}`;
const DELETE_SAMPLES = "DELETE FROM report_samples WHERE id IN (SELECT value FROM json_each(?))";

/** A rollup row's key as ROLLUP_KEY's arguments. */
const keyArgs = (k: RollupKey) => [k.grain, k.bucket, k.metric, k.inbox, k.teamId, k.agentId];
/** A rollup row's values, in the order UPDATE_ROLLUP and INSERT_ROLLUP set them (the values sorted, as JSON). */
const aggArgs = (k: RollupKey, a: Agg) => [
  k.channel,
  a.n,
  a.sum,
  a.businessSum,
  JSON.stringify(a.values),
  JSON.stringify(a.businessValues),
];

/** Writes a new rollup row. */
async function insertRollup(db: Queryable, key: RollupKey, agg: Agg): Promise<void> {
  await runSqlRows(db, INSERT_ROLLUP, [...aggArgs(key, agg), ...keyArgs(key)]);
}

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
    const [row] = await runSqlRows(tx, ROLLUP_OF_KEY, keyArgs(key));
    const agg: Agg = row
      ? {
          n: row[0] as number,
          sum: row[1] as number,
          businessSum: row[2] as number,
          values: JSON.parse(row[3] as string),
          businessValues: JSON.parse(row[4] as string),
        }
      : emptyAgg();
    for (const c of mine) apply(agg, c.sample.metric, c.sample, c.sign);
    if (agg.n <= 0) await runSqlRows(tx, DELETE_ROLLUP, keyArgs(key));
    else if (row) await runSqlRows(tx, UPDATE_ROLLUP, [...aggArgs(key, agg), ...keyArgs(key)]);
    else await insertRollup(tx, key, agg);
  }
}

/** A sample's columns, in the order SAMPLE_COLUMNS names them. */
const SAMPLE_COLUMNS = "contact_id, case_id, conversation_id, metric, at, inbox, channel, team_id, agent_id, value, business_value";
const sampleArgs = (s: Sample) => [
  s.contactId,
  s.caseId,
  s.conversationId,
  s.metric,
  s.at,
  s.inbox,
  s.channel,
  s.teamId,
  s.agentId,
  s.value,
  s.businessValue,
];
/** Rows per samples insert, largest first: powers of two, so nine statement shapes serve every count. */
const ROWS_PER_INSERT = [256, 128, 64, 32, 16, 8, 4, 2, 1];
const INSERT_SAMPLES = new Map(
  ROWS_PER_INSERT.map((rows) => [
    rows,
    `INSERT INTO report_samples (${SAMPLE_COLUMNS}) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
  ]),
);

/** Writes samples, in as few inserts of ROWS_PER_INSERT rows as add up to their count. */
async function insertSamples(db: Queryable, samples: Sample[]): Promise<void> {
  for (let i = 0; i < samples.length; ) {
    const rows = ROWS_PER_INSERT.find((n) => n <= samples.length - i)!;
    await runSqlRows(db, INSERT_SAMPLES.get(rows)!, samples.slice(i, i + rows).flatMap(sampleArgs));
    i += rows;
  }
}

/** Stored samples read per query: a long history's 18,000 at once held the thread for 30 ms. */
const SAMPLES_PER_READ = 1000;
/** Measured samples looked up between two looks at the clock. */
const SAMPLES_PER_LOOK = 500;

/**
 * A contact's stored samples after an id, by position in sampleKey's order (then id and channel),
 * SAMPLES_PER_READ at a time. Mapped into objects by drizzle they were most of a long history's
 * refresh: 60 of 100 ms at 10,000 messages (issue 22).
 */
const SAMPLES_OF_CONTACT = `
  SELECT case_id, conversation_id, metric, at, inbox, team_id, agent_id, value, business_value, id, channel
  FROM report_samples WHERE contact_id = ? AND id > ? ORDER BY id LIMIT ?`;
/** The contact's refresh stamp (none before its first refresh: 0). */
const STAMP_OF_CONTACT = "SELECT stamp FROM report_refresh_stamps WHERE contact_id = ?";
/**
 * Moves the contact's stamp on from the one given (arguments: contact, stamp, stamp + 1), answering a
 * row only when it was that one: a contact without a stamp was read as 0.
 */
const MOVE_STAMP = `
  INSERT INTO report_refresh_stamps (contact_id, stamp) VALUES (?1, ?3)
  ON CONFLICT (contact_id) DO UPDATE SET stamp = stamp + 1 WHERE stamp = ?2
  RETURNING stamp`;
/** Moves the contact's stamp on whatever it was (a refresh that measured inside its write). */
const BUMP_STAMP = `
  INSERT INTO report_refresh_stamps (contact_id, stamp) VALUES (?, 1)
  ON CONFLICT (contact_id) DO UPDATE SET stamp = stamp + 1`;
/** The database's clock in milliseconds: a rebuild's lease is read by other processes. */
const NOW_MS = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
/** How many rebuilds have started, and until when the one running holds its lease (null: none runs). */
const REBUILD_STATE = `SELECT generation, CASE WHEN lease_until > ${NOW_MS} THEN lease_until END FROM report_rebuilds WHERE id = 1`;
/**
 * How long a rebuild's lease holds after its last write. Each of its transactions renews it; one
 * that stops without ending (a killed process) keeps refreshes waiting this long at most. A batch
 * of 1,000 contacts takes well under a second to measure (14 s for 1M messages in all, bench:reports).
 */
const REBUILD_LEASE_MS = 120_000;
/** Starts a rebuild: the next generation, and its lease (arguments: the lease's length). */
const START_REBUILD = `UPDATE report_rebuilds SET generation = generation + 1, lease_until = ${NOW_MS} + ? WHERE id = 1`;
const RENEW_REBUILD = `UPDATE report_rebuilds SET lease_until = ${NOW_MS} + ? WHERE id = 1`;
const END_REBUILD = "UPDATE report_rebuilds SET lease_until = NULL WHERE id = 1";

/** The rebuild state in `db`: its generation, and the lease's end while one runs. */
async function rebuildState(db: Queryable): Promise<{ generation: number; leaseUntil: number | null }> {
  const [row] = await runSqlRows(db, REBUILD_STATE, []);
  return { generation: (row?.[0] as number | undefined) ?? 0, leaseUntil: (row?.[1] as number | null | undefined) ?? null };
}

/** Throws SWB_ERR_REPORTS_REBUILDING while a rebuild holds its lease; else answers the generation. */
async function generationOutsideRebuild(db: Queryable, doing: string): Promise<number> {
  const { generation, leaseUntil } = await rebuildState(db);
  if (leaseUntil !== null)
    throw new SwitchboardError(
      ErrorCodes.REPORTS_REBUILDING,
      `A reports rebuild is running (its lease holds until ${new Date(leaseUntil).toISOString()}), so ${doing} waits: run it again after the rebuild.`,
      { leaseUntil },
    );
  return generation;
}
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

/** Stored rows a Map of StoredByKey holds, about. */
const ROWS_PER_MAP = 2048;

/**
 * A contact's stored rows by their diff key (storedKey), to be matched with measured samples: what
 * is left unmatched was removed. Many rows go into several Maps by time: a Map grows by copying
 * every entry, and one of 16,384 string keys took 11-14 ms in one stretch (issue 22).
 */
class StoredByKey {
  readonly #maps: Map<string, StoredRow[]>[];
  constructor(expected: number) {
    this.#maps = Array.from({ length: Math.max(1, Math.ceil(expected / ROWS_PER_MAP)) }, () => new Map());
  }
  #mapOf(at: number): Map<string, StoredRow[]> {
    return this.#maps[Math.abs(at) % this.#maps.length]!;
  }
  add(row: StoredRow): void {
    const map = this.#mapOf(row[3] as number);
    const k = storedKey(row);
    const same = map.get(k);
    if (same) same.push(row);
    else map.set(k, [row]);
  }
  /** Matches a measured sample with a stored row of the same key; false when none is left. */
  take(s: Sample): boolean {
    const same = this.#mapOf(s.at).get(sampleKey(s));
    return same?.pop() !== undefined;
  }
  /** The rows no sample matched. */
  unmatched(): StoredRow[] {
    return this.#maps.flatMap((map) => [...map.values()].flat());
  }
}

/** One contact measured again and compared with its stored samples. */
interface ContactDiff {
  contactId: number;
  added: Sample[];
  removed: StoredRow[];
  /** The contact's refresh stamp in the snapshot measured (0: none yet). */
  stamp: number;
  /** The rebuilds' generation in that snapshot. */
  generation: number;
}

/** Measures a contact's cases from `db` and compares them with its stored samples, pausing as `slicer` says between the steps. */
async function diffContact(
  db: Queryable,
  contactId: number,
  options: RollupOptions,
  slicer: Slicer,
  generation: number,
): Promise<ContactDiff> {
  const pause = () => slicer.pause();
  const [stamped] = await runSqlRows(db, STAMP_OF_CONTACT, [contactId]);
  const rows = (await loadContacts(db, contactId, contactId + 1, pause)).get(contactId);
  await pause();
  const fresh = rows ? await measureContactPausing(rows, options.measure, pause) : [];
  const storedRows: StoredRow[] = [];
  for (let more = true; more; ) {
    await pause();
    const after = storedRows.length > 0 ? (storedRows[storedRows.length - 1]![9] as number) : 0;
    const page = await runSqlRows(db, SAMPLES_OF_CONTACT, [contactId, after, SAMPLES_PER_READ]);
    storedRows.push(...page);
    more = page.length === SAMPLES_PER_READ;
  }
  const stale = new StoredByKey(Math.max(fresh.length, storedRows.length));
  for (const [i, row] of storedRows.entries()) {
    if (i % SAMPLES_PER_LOOK === SAMPLES_PER_LOOK - 1) await pause();
    stale.add(row);
  }
  const added: Sample[] = [];
  for (const [i, s] of fresh.entries()) {
    if (i % SAMPLES_PER_LOOK === SAMPLES_PER_LOOK - 1) await pause();
    if (!stale.take(s)) added.push(s);
  }
  return { contactId, added, removed: stale.unmatched(), stamp: (stamped?.[0] as number | undefined) ?? 0, generation };
}

/**
 * The difference to write for a contact in `tx`, where the rebuilds' generation is `generation`:
 * the one measured in the snapshot if no refresh of the contact wrote since (its stamp moves on) and
 * no rebuild started since, else the contact measured again here.
 */
async function currentDiff(tx: Tx, diff: ContactDiff, options: RollupOptions, generation: number): Promise<ContactDiff> {
  if (diff.generation === generation) {
    const moved = await runSqlRows(tx, MOVE_STAMP, [diff.contactId, diff.stamp, diff.stamp + 1]);
    if (moved.length > 0) return diff;
  }
  await runSqlRows(tx, BUMP_STAMP, [diff.contactId]);
  return diffContact(tx, diff.contactId, options, new Slicer(Number.POSITIVE_INFINITY), generation);
}

/** Replaces a diff's removed samples with its added ones in `tx`, and collects the rollup changes that makes. */
async function applyDiff(tx: Tx, diff: ContactDiff, changes: Change[]): Promise<void> {
  const removedIds = diff.removed.map((row) => row[9] as number);
  for (let i = 0; i < removedIds.length; i += DELETE_CHUNK)
    await runSqlRows(tx, DELETE_SAMPLES, [JSON.stringify(removedIds.slice(i, i + DELETE_CHUNK))]);
  await insertSamples(tx, diff.added);
  for (const row of diff.removed) changes.push({ sample: storedSample(diff.contactId, row), sign: -1 });
  for (const s of diff.added) changes.push({ sample: s, sign: 1 });
}

/**
 * Measures these contacts' cases again from the raw rows and applies the difference to the samples
 * and rollups. Idempotent: running it twice changes nothing the second time.
 *
 * The measuring reads one snapshot (store.read) outside the write lock, and gives the event loop a
 * turn every few milliseconds: a contact with 10,000 messages held the thread and the writer for
 * 100 ms in one stretch (issue 22). The differences are written after. Every refresh moves its
 * contact's stamp on as it writes, and one that finds the stamp moved since its snapshot (another
 * refresh of the contact wrote meanwhile, even one that changed nothing) measures that contact again
 * inside its write. A change committed after the snapshot began is left to the contact's next
 * refresh, which that change's event schedules, as every change does.
 *
 * With `budgetMs`, the contacts after the one during which that much time has gone measuring (time
 * on the thread, not the turns given to other work) are left out (the first is always refreshed),
 * the measuring gives the event loop a turn at least that often, and the writes are cut into
 * transactions of about that long: a chunk of contacts is a few milliseconds of work at a time.
 * Returns the contacts left out, for a later call; none without a budget.
 *
 * While a rebuild holds its lease it throws SWB_ERR_REPORTS_REBUILDING, before measuring or from
 * the write it would have made (the writes before that one stand): refresh the contacts again
 * after. A refresh that measured before a rebuild started measures again in its write.
 *
 * @example
 * await refreshContacts(store, options, [event.data.contactId]);
 * let left = [1, 2, 3];
 * while (left.length > 0) left = await refreshContacts(store, options, left, 10);
 */
export async function refreshContacts(
  store: Pick<Store, "write" | "read">,
  options: RollupOptions,
  contactIds: number[],
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<number[]> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return [];
  const slicer = new Slicer(Math.min(SLICE_MS, budgetMs));
  const diffs: ContactDiff[] = [];
  const left = await store.read(async (db) => {
    const generation = await generationOutsideRebuild(db, "this refresh");
    for (const [done, contactId] of ids.entries()) {
      if (done > 0 && slicer.busyMs() >= budgetMs) return ids.slice(done);
      diffs.push(await diffContact(db, contactId, options, slicer, generation));
    }
    return [];
  });
  const days = new DayCache(options.timeZone);
  // The writes, in transactions that end once the budget has gone, with a turn of the event loop between.
  for (let from = 0; from < diffs.length; ) {
    if (from > 0) await turn();
    from = await store.write(async (tx) => {
      const writing = performance.now();
      const generation = await generationOutsideRebuild(tx, "this refresh");
      const changes: Change[] = [];
      let next = from;
      do {
        await applyDiff(tx, await currentDiff(tx, diffs[next]!, options, generation), changes);
        next++;
      } while (next < diffs.length && performance.now() - writing < budgetMs);
      await applyChanges(tx, changes, days);
      return next;
    });
  }
  return left;
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
 * It holds a lease (`report_rebuilds`) from its first write to its last, which renews it: refreshes
 * meanwhile write nothing (SWB_ERR_REPORTS_REBUILDING; the reports subscriber runs them again after),
 * so the rollups it sums in memory are the ones it writes. A second rebuild while one holds the lease
 * throws SWB_ERR_REPORTS_REBUILDING. One that fails ends its lease; the reports are then partial until
 * a rebuild completes.
 *
 * @example
 * const { contacts, samples, rollups } = await rebuildAll(store, options);
 */
export async function rebuildAll(
  store: Pick<Store, "write" | "db">,
  options: RollupOptions,
  batch = 1000,
): Promise<{ contacts: number; samples: number; rollups: number }> {
  const [range] = await store.db.select({ max: sql<number | null>`max(${contacts.id})`, n: sql<number>`count(*)` }).from(contacts);
  const max = range?.max ?? 0;
  await store.write(async (tx) => {
    await generationOutsideRebuild(tx, "this rebuild");
    // The next generation: a refresh that measured before this rebuild measures again in its write.
    await runSqlRows(tx, START_REBUILD, [REBUILD_LEASE_MS]);
    await tx.delete(reportSamples);
    await tx.delete(reportRollups);
  });
  try {
    return await rebuildUnderLease(store, options, batch, max, range?.n ?? 0);
  } catch (error) {
    try {
      await store.write((tx) => runSqlRows(tx, END_REBUILD, []));
    } catch (endError) {
      throw new AggregateError([error, endError], "The reports rebuild failed, and so did ending its lease (it runs out on its own).");
    }
    throw error;
  }
}

/** rebuildAll's work once it holds the lease: measures and writes each batch, then the rollups, and ends the lease. */
async function rebuildUnderLease(
  store: Pick<Store, "write" | "db">,
  options: RollupOptions,
  batch: number,
  max: number,
  contactCount: number,
): Promise<{ contacts: number; samples: number; rollups: number }> {
  const days = new DayCache(options.timeZone);
  const aggs = new Map<string, { key: RollupKey; agg: Agg }>();
  let samples = 0;
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
    await store.write(async (tx) => {
      await runSqlRows(tx, RENEW_REBUILD, [REBUILD_LEASE_MS]);
      await insertSamples(tx, measured);
    });
  }
  await store.write(async (tx) => {
    for (const { key, agg } of aggs.values()) await insertRollup(tx, key, agg);
    await runSqlRows(tx, END_REBUILD, []);
  });
  return { contacts: contactCount, samples, rollups: aggs.size };
}
