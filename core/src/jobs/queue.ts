/**
 * Durable jobs: rows in the `jobs` table with a due time. A worker claims due rows atomically (one
 * UPDATE … RETURNING, so two processes never run the same job), runs their handler, and deletes them,
 * or reschedules them with backoff, or marks them failed after their last attempt. A claim is a
 * short lease renewed by a heartbeat while the handler runs; a claim that a crashed process left
 * behind lapses after `leaseMs` (15 s) and the job runs again. The claim's attempt number fences
 * the holder: a worker whose job was taken over no longer deletes or reschedules it.
 */
import { and, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { noteWork } from "../perf/work.ts";
import type { Store, Tx } from "../store/index.ts";
import { inIdList, reusableQuery, reusableQueryPerCount, runSqlRows } from "../store/reusable.ts";
import { jobs } from "../store/schema.ts";
import { backoffMs } from "./backoff.ts";
import { withHeartbeat } from "./heartbeat.ts";
import { Poller } from "./poller.ts";
import type { ScheduleOptions } from "./schedule-options.ts";

/** Due jobs claimed at a time. */
const DUE_BATCH = 50;

/** How long a claim holds without renewal; the heartbeat renews it every third of that. */
export const JOB_LEASE_MS = 15_000;

export type JobHandler = (payload: unknown, job: { id: number; attempt: number }) => Promise<void> | void;

/** A claimed job as a batch handler sees it. */
export interface ClaimedJob {
  id: number;
  attempt: number;
  payload: unknown;
}

/**
 * Runs many due jobs of one kind at once (see `JobQueue.defineBatch`); all of them succeed or fail
 * together.
 */
export type BatchJobHandler = (jobs: ClaimedJob[]) => Promise<void>;

type Registered = { batch: false; run: JobHandler } | { batch: true; run: BatchJobHandler; max: number };
type JobRow = typeof jobs.$inferSelect;

/**
 * These claims of these jobs and no later ones (the attempt number grows with every claim), as the
 * argument of OURS: a JSON list of [id, attempt] pairs. Built by drizzle for every batch, the
 * condition with its 150 parameters cost about 0.9 ms before SQLite ran it (issue 22).
 */
const claimsOf = (claimed: JobRow[]) => JSON.stringify(claimed.map((job) => [job.id, job.attempts]));
// Found by id: the unary `+` keeps SQLite from reading every running job through the status index.
const OURS = "+status = 'running' AND (id, attempts) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))";
export const DELETE_OURS = `DELETE FROM jobs WHERE ${OURS}`;
const RENEW_OURS = `UPDATE jobs SET claimed_until = ? WHERE ${OURS} RETURNING id`;
/** A failed claim: its status ("pending" again, or "failed" after its last attempt), error and due time (arguments: status, error, due time, now, claims). */
const SETTLE_FAILED = `UPDATE jobs SET status = ?, claimed_until = NULL, last_error = ?, due_at = ?, updated_at = ? WHERE ${OURS}`;
/**
 * Claims due jobs of the kinds given (a JSON list), at most `limit`: pending ones that are due, and
 * running ones whose claim lapsed. Built once: built for every poll it cost about 0.7 ms.
 */
const claimDue = reusableQuery((db) =>
  db
    .update(jobs)
    .set({
      status: "running",
      claimedUntil: sql`${sql.placeholder("until")}`,
      attempts: sql`${jobs.attempts} + 1`,
      updatedAt: sql`${sql.placeholder("now")}`,
    })
    .where(
      inArray(
        jobs.id,
        db
          .select({ id: jobs.id })
          .from(jobs)
          .where(
            and(
              inIdList(jobs.kind, "kinds"),
              or(
                and(eq(jobs.status, "pending"), lte(jobs.dueAt, sql.placeholder("now"))),
                and(eq(jobs.status, "running"), lte(jobs.claimedUntil, sql.placeholder("now"))),
              ),
            ),
          )
          .orderBy(jobs.dueAt)
          .limit(sql.placeholder("limit")),
      ),
    )
    .returning(),
);

/** Inserts a job, or replaces the one with the same key (whatever its state) by this one, pending. */
/** The job upsert for `count` rows (store/reusable.ts); row i's values are `<name><i>`. */
const upsertJobs = reusableQueryPerCount((db, count) =>
  db
    .insert(jobs)
    .values(
      Array.from({ length: count }, (_, i) => ({
        kind: sql.placeholder(`kind${i}`),
        payload: sql.placeholder(`payload${i}`),
        dueAt: sql.placeholder(`dueAt${i}`),
        key: sql.placeholder(`key${i}`),
        maxAttempts: sql.placeholder(`maxAttempts${i}`),
        status: "pending" as const,
        updatedAt: sql.placeholder("now"),
      })),
    )
    .onConflictDoUpdate({
      target: jobs.key,
      set: {
        kind: sql`excluded.kind`,
        payload: sql`excluded.payload`,
        dueAt: sql`excluded.due_at`,
        status: "pending",
        attempts: 0,
        maxAttempts: sql`excluded.max_attempts`,
        claimedUntil: null,
        lastError: null,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning({ id: jobs.id }),
);
const deletePending = reusableQuery((db) =>
  db
    .delete(jobs)
    .where(and(eq(jobs.key, sql.placeholder("key")), eq(jobs.status, "pending")))
    .returning({ id: jobs.id }),
);
const pendingByKey = reusableQuery((db) =>
  db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.key, sql.placeholder("key")), eq(jobs.status, "pending")))
    .limit(1),
);
/** Jobs inserted by one statement at most (see scheduleMany). */
const SCHEDULE_CHUNK = 32;
// Found by key: the unary `+` keeps SQLite from choosing the (status, due_at) index instead, which
// read every pending job for each call.
const pendingAmongKeys = reusableQuery((db) =>
  db
    .select({ key: jobs.key })
    .from(jobs)
    .where(and(inIdList(jobs.key, "keys"), sql`+${jobs.status} = 'pending'`)),
);

export class JobQueue {
  readonly #handlers = new Map<string, Registered>();
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #leaseMs: number;
  readonly #poller: Poller;

  constructor(store: Store, clock: Clock, log: Logger, options: { leaseMs?: number; pollMs?: number } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
    this.#leaseMs = options.leaseMs ?? JOB_LEASE_MS;
    // A full batch means more may be due: the poller goes again at once (a poll of 50 every 500 ms
    // capped the queue at 100 jobs a second, and a backlog of due jobs grew under load, issue 22).
    this.#poller = new Poller("jobs", async () => (await this.runDue(DUE_BATCH)) >= DUE_BATCH, { intervalMs: options.pollMs ?? 500, log });
  }

  /** Registers the handler of a job kind. Only kinds with a handler are claimed by this process. */
  define(kind: string, handler: JobHandler): void {
    this.#register(kind, { batch: false, run: handler });
  }

  /**
   * Registers a handler that runs the due jobs of a kind together, up to `max` at a time (default
   * 50): for work that costs much less per job when done for many at once (one transaction, shared
   * reads). The batch succeeds or fails as a whole: on an error every job in it is retried with
   * backoff, so the handler must be idempotent, as every job handler must.
   *
   * @example
   * jobs.defineBatch("reports.refresh", async (due) => refresh(due.map((job) => (job.payload as { contactId: number }).contactId)));
   */
  defineBatch(kind: string, handler: BatchJobHandler, options: { max?: number } = {}): void {
    this.#register(kind, { batch: true, run: handler, max: Math.max(1, options.max ?? 50) });
  }

  #register(kind: string, registered: Registered): void {
    if (this.#handlers.has(kind)) {
      throw new SwitchboardError(
        ErrorCodes.PLUGIN_CONFLICT,
        `A handler for job kind "${kind}" is already defined. Give the job kind a unique name.`,
      );
    }
    this.#handlers.set(kind, registered);
  }

  /**
   * Schedules a job, inside `tx` when given (so it commits with the caller's other writes).
   * A `key` replaces the pending job with the same key.
   */
  async schedule(kind: string, payload: unknown, options: ScheduleOptions = {}, tx?: Tx): Promise<number> {
    const [id] = await this.scheduleMany([{ kind, payload, options }], tx);
    return id!;
  }

  /**
   * Schedules several jobs in one statement, inside `tx` when given, as `schedule` does each.
   * Returns their ids (in no set order: SQLite returns an insert's rows as it likes).
   *
   * @example
   * await jobs.scheduleMany([
   *   { kind: "core:sla.timer", payload: { clockId: 7, kind: "warning" }, options: { at: warnAt, key: "sla:7:warning" } },
   *   { kind: "core:sla.timer", payload: { clockId: 7, kind: "breach" }, options: { at: dueAt, key: "sla:7:breach" } },
   * ], tx);
   */
  async scheduleMany(entries: readonly { kind: string; payload: unknown; options?: ScheduleOptions }[], tx?: Tx): Promise<number[]> {
    if (entries.length === 0) return [];
    const now = this.#clock.now();
    const due = entries.some(({ options = {} }) => (options.at ?? now + (options.delayMs ?? 0)) <= now);
    // SCHEDULE_CHUNK rows to a statement: one statement is built per row count, so counts stay few.
    const insert = async (db: Tx) => {
      const ids: number[] = [];
      for (let start = 0; start < entries.length; start += SCHEDULE_CHUNK) {
        const chunk = entries.slice(start, start + SCHEDULE_CHUNK);
        const values: Record<string, unknown> = { now };
        chunk.forEach(({ kind, payload, options = {} }, i) => {
          values[`kind${i}`] = kind;
          values[`payload${i}`] = payload ?? {};
          values[`dueAt${i}`] = options.at ?? now + (options.delayMs ?? 0);
          values[`key${i}`] = options.key ?? null;
          values[`maxAttempts${i}`] = options.maxAttempts ?? 5;
        });
        for (const row of await upsertJobs(chunk.length)(db, values)) ids.push(row.id);
      }
      return ids;
    };
    const ids = tx ? await insert(tx) : await this.#store.write(insert);
    if (due) queueMicrotask(() => this.#poller.kick());
    return ids;
  }

  /**
   * Whether a job with this key waits to run (outside any transaction: a hint to skip work, so
   * anything that acts on the answer should check again inside its transaction).
   */
  async isPending(key: string): Promise<boolean> {
    const [row] = await pendingByKey(this.#store.db, { key });
    return row !== undefined;
  }

  /**
   * Which of `keys` have a job waiting to run: isPending for many keys in one statement (the same
   * hint, outside any transaction).
   *
   * @example
   * const waiting = await jobs.pendingAmong(["reports:contact:3", "reports:contact:7"]); // Set { "reports:contact:7" }
   */
  async pendingAmong(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await pendingAmongKeys(this.#store.db, { keys: JSON.stringify(keys) });
    return new Set(rows.flatMap((row) => (row.key === null ? [] : [row.key])));
  }

  /** Cancels the pending job with this key, inside `tx` when given. Returns whether one was there. */
  async cancel(key: string, tx?: Tx): Promise<boolean> {
    const remove = (db: Tx) => deletePending(db, { key });
    const removed = tx ? await remove(tx) : await this.#store.write(remove);
    return removed.length > 0;
  }

  /** Claims and runs the jobs that are due now. Returns how many ran. */
  async runDue(limit = DUE_BATCH): Promise<number> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return 0;
    const now = this.#clock.now();
    const claimed = await this.#store.write((tx) => claimDue(tx, { kinds: JSON.stringify(kinds), now, until: now + this.#leaseMs, limit }));
    const runs: Promise<void>[] = [];
    const batches = new Map<string, JobRow[][]>();
    for (const job of claimed) {
      const registered = this.#handlers.get(job.kind);
      if (!registered) throw new SwitchboardError(ErrorCodes.JOB_UNKNOWN, `No handler for job kind "${job.kind}".`);
      if (!registered.batch) {
        runs.push(this.#run([job], () => registered.run(job.payload, { id: job.id, attempt: job.attempts })));
        continue;
      }
      const list = batches.get(job.kind) ?? [];
      const last = list.at(-1);
      if (last && last.length < registered.max) last.push(job);
      else list.push([job]);
      batches.set(job.kind, list);
    }
    for (const [kind, list] of batches) {
      const registered = this.#handlers.get(kind) as Extract<Registered, { batch: true }>;
      for (const batch of list)
        runs.push(this.#run(batch, () => registered.run(batch.map((j) => ({ id: j.id, attempt: j.attempts, payload: j.payload })))));
    }
    await Promise.all(runs);
    return claimed.length;
  }

  /**
   * Runs claimed jobs' work under one heartbeat, then deletes them (one write), or reschedules them
   * with backoff or marks them failed after their last attempt.
   */
  async #run(claimed: JobRow[], work: () => Promise<void> | void): Promise<void> {
    const ours = claimsOf(claimed);
    const renew = async () => {
      const renewed = await this.#store.write((tx) => runSqlRows(tx, RENEW_OURS, [this.#clock.now() + this.#leaseMs, ours]));
      return renewed.length === claimed.length;
    };
    const first = claimed[0]!;
    const what = claimed.length === 1 ? { job: first.id, kind: first.kind } : { jobs: claimed.map((j) => j.id), kind: first.kind };
    // A stall the loop-delay sampler logs then names the jobs that ran during it (perf/work.ts).
    noteWork(`jobs.${first.kind}`, claimed.length);
    try {
      await withHeartbeat(async () => work(), renew, { leaseMs: this.#leaseMs, log: this.#log, what });
      await this.#store.write((tx) => runSqlRows(tx, DELETE_OURS, [ours]));
    } catch (error) {
      const described = describeError(error);
      for (const job of claimed) {
        const failed = job.attempts >= job.maxAttempts;
        this.#log.warn(
          { job: job.id, kind: job.kind, attempt: job.attempts, final: failed, error: described },
          failed ? "job failed for good" : "job failed; will retry",
        );
      }
      await this.#store.write(async (tx) => {
        for (const job of claimed) {
          const failed = job.attempts >= job.maxAttempts;
          const now = this.#clock.now();
          // A failed job keeps the due time it had; one to retry is due after its backoff.
          const dueAt = failed ? job.dueAt : now + backoffMs(job.attempts);
          await runSqlRows(tx, SETTLE_FAILED, [failed ? "failed" : "pending", described.message, dueAt, now, claimsOf([job])]);
        }
      });
    }
  }

  start(): void {
    this.#poller.start();
  }

  stop(): Promise<void> {
    return this.#poller.stop();
  }
}
