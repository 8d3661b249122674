/**
 * SLA clock rows and their timers, inside the caller's write transaction: start, pause (keeping the
 * business time used), resume (a new due time), stop (with hit, miss or cancelled). Each running
 * clock has two durable jobs, a warning and a breach, keyed by the clock; the conversation's
 * `sla_due_at` always holds the earliest due time of its running clocks.
 */
import { and, eq, isNotNull, isNull, min, sql } from "drizzle-orm";
import type { BusinessCalendar } from "../business-hours/calendar.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Queryable, Tx } from "../store/index.ts";
import { reusableQuery, reusableQueryPerCount } from "../store/reusable.ts";
import { conversations, type SlaTarget, slaClocks } from "../store/schema.ts";

export const SLA_JOB = "core:sla.timer";
export type SlaClock = typeof slaClocks.$inferSelect;
export type TimerKind = "warning" | "breach";
export const timerKey = (clockId: number, kind: TimerKind) => `sla:${clockId}:${kind}`;

export interface ClockContext {
  tx: Tx;
  jobs: JobQueue;
  calendar: BusinessCalendar;
  now: number;
  /** The fraction of a target at which `sla.warning` fires. */
  warningFraction: number;
}

/**
 * The clocks of a conversation not yet stopped (running or paused).
 *
 * @example
 * const clocks = await liveClocks(tx, 42);
 */
const live = reusableQuery((db) =>
  db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.conversationId, sql.placeholder("conversationId")), isNull(slaClocks.stoppedAt))),
);

/** The conversation's `sla_due_at` set to the earliest due time of its running clocks, in one statement. */
const setSlaDue = reusableQuery((db) =>
  db
    .update(conversations)
    .set({
      slaDueAt: sql`(${db
        .select({ due: min(slaClocks.dueAt) })
        .from(slaClocks)
        .where(
          and(eq(slaClocks.conversationId, sql.placeholder("conversationId")), isNull(slaClocks.stoppedAt), isNotNull(slaClocks.dueAt)),
        )})`,
    })
    .where(eq(conversations.id, sql.placeholder("conversationId"))),
);
/** The clocks insert for `count` rows (store/reusable.ts); row i's values are named `<column><i>`. */
const insertClocks = reusableQueryPerCount((db, count) =>
  db
    .insert(slaClocks)
    .values(
      Array.from({ length: count }, (_, i) => ({
        conversationId: sql.placeholder("conversationId"),
        target: sql.placeholder(`target${i}`),
        targetMs: sql.placeholder(`targetMs${i}`),
        startedAt: sql.placeholder("startedAt"),
        runningSince: sql.placeholder("runningSince"),
        dueAt: sql.placeholder(`dueAt${i}`),
      })),
    )
    .returning(),
);

export async function liveClocks(db: Queryable, conversationId: number): Promise<SlaClock[]> {
  return live(db, { conversationId });
}

/**
 * Schedules the warning and breach timers of a running clock (a restored clock gets them back).
 *
 * @example
 * await scheduleTimers(c, clock);
 */
export async function scheduleTimers(c: ClockContext, clock: SlaClock): Promise<void> {
  await c.jobs.scheduleMany(timersOf(c, clock), c.tx);
}

/** The warning and breach timers a running clock still needs (none for a paused one). */
function timersOf(c: ClockContext, clock: SlaClock): { kind: string; payload: unknown; options: { at: number; key: string } }[] {
  if (clock.runningSince === null || clock.dueAt === null) return [];
  const timers: { kind: string; payload: unknown; options: { at: number; key: string } }[] = [];
  const timer = (kind: TimerKind, at: number) =>
    timers.push({ kind: SLA_JOB, payload: { clockId: clock.id, kind }, options: { at, key: timerKey(clock.id, kind) } });
  const warnMs = Math.floor(clock.targetMs * c.warningFraction);
  if (clock.warnedAt === null)
    timer("warning", clock.elapsedMs < warnMs ? c.calendar.addBusinessTime(clock.runningSince, warnMs - clock.elapsedMs) : c.now);
  if (clock.breachedAt === null) timer("breach", clock.dueAt);
  return timers;
}

async function cancelTimers(c: Pick<ClockContext, "tx" | "jobs">, clockId: number): Promise<void> {
  await c.jobs.cancel(timerKey(clockId, "warning"), c.tx);
  await c.jobs.cancel(timerKey(clockId, "breach"), c.tx);
}

/**
 * Sets the conversation's `sla_due_at` to the earliest due time of its running clocks (null: none).
 *
 * @example
 * await refreshDue(tx, 42);
 */
export async function refreshDue(tx: Tx, conversationId: number): Promise<void> {
  await setSlaDue(tx, { conversationId });
}

/**
 * Starts a clock now, running unless `paused` (a conversation that is pending or snoozed).
 *
 * @example
 * await startClock(c, 42, "first_response", 30 * 60_000, false);
 */
export async function startClock(
  c: ClockContext,
  conversationId: number,
  target: SlaTarget,
  targetMs: number,
  paused: boolean,
): Promise<SlaClock> {
  const [clock] = await startClocks(c, conversationId, [{ target, targetMs }], paused);
  return clock!;
}

/**
 * Starts several clocks of one conversation now (a new conversation's first response and resolution):
 * the clocks in one insert and all their timers in another, whatever their number (a statement per
 * clock and per clock's timers before, issue 22). Returns them in the order given.
 *
 * @example
 * await startClocks(c, 42, [{ target: "first_response", targetMs: 1_800_000 }, { target: "resolution", targetMs: 86_400_000 }], false);
 */
export async function startClocks(
  c: ClockContext,
  conversationId: number,
  starts: readonly { target: SlaTarget; targetMs: number }[],
  paused: boolean,
): Promise<SlaClock[]> {
  if (starts.length === 0) return [];
  const values: Record<string, unknown> = { conversationId, startedAt: c.now, runningSince: paused ? null : c.now };
  starts.forEach(({ target, targetMs }, i) => {
    values[`target${i}`] = target;
    values[`targetMs${i}`] = targetMs;
    values[`dueAt${i}`] = paused ? null : c.calendar.addBusinessTime(c.now, targetMs);
  });
  const inserted = await insertClocks(starts.length)(c.tx, values);
  // SQLite returns the inserted rows in no set order: a conversation's new clocks differ by target.
  const clocks = starts.map(({ target }) => inserted.find((clock) => clock.target === target)!);
  await c.jobs.scheduleMany(
    clocks.flatMap((clock) => timersOf(c, clock)),
    c.tx,
  );
  return clocks;
}

/**
 * Pauses a running clock, keeping the business time it used.
 *
 * @example
 * for (const clock of await liveClocks(c.tx, 42)) await pauseClock(c, clock);
 */
export async function pauseClock(c: ClockContext, clock: SlaClock): Promise<void> {
  if (clock.runningSince === null) return;
  const elapsedMs = clock.elapsedMs + c.calendar.businessTimeBetween(clock.runningSince, c.now);
  await c.tx.update(slaClocks).set({ elapsedMs, runningSince: null, dueAt: null }).where(eq(slaClocks.id, clock.id));
  await cancelTimers(c, clock.id);
}

/**
 * Runs a paused clock again from now, with a due time for what is left of its target.
 *
 * @example
 * for (const clock of await liveClocks(c.tx, 42)) await resumeClock(c, clock);
 */
export async function resumeClock(c: ClockContext, clock: SlaClock): Promise<void> {
  if (clock.runningSince !== null) return;
  const dueAt = c.calendar.addBusinessTime(c.now, Math.max(0, clock.targetMs - clock.elapsedMs));
  const [resumed] = await c.tx.update(slaClocks).set({ runningSince: c.now, dueAt }).where(eq(slaClocks.id, clock.id)).returning();
  await scheduleTimers(c, resumed!);
}

/**
 * Stops a clock for good. `met` says the event it waited for happened (an agent's reply, the
 * resolution): the outcome is "hit", or "miss" if it had breached; otherwise "cancelled" (or "miss").
 *
 * @example
 * await stopClock(c, firstResponseClock, true); // an agent answered
 */
export async function stopClock(c: ClockContext, clock: SlaClock, met: boolean): Promise<void> {
  const elapsedMs = clock.elapsedMs + (clock.runningSince === null ? 0 : c.calendar.businessTimeBetween(clock.runningSince, c.now));
  const outcome = clock.breachedAt !== null ? "miss" : met ? "hit" : "cancelled";
  await c.tx
    .update(slaClocks)
    .set({ elapsedMs, runningSince: null, dueAt: null, stoppedAt: c.now, outcome })
    .where(eq(slaClocks.id, clock.id));
  await cancelTimers(c, clock.id);
}
