/**
 * Keeps reports up to date from the durable event log: each event that changes what a contact's
 * cases measure schedules a refresh of that contact unless one is waiting already (a durable job
 * keyed by contact, so a burst of events is one refresh, run 5-6 s after the first: by then the SLA
 * clocks the same event stops are settled; see REFRESH_DELAY_MS and refreshDueAt),
 * and availability changes are recorded for utilisation. A weekly job queues the context-continuity
 * sample of the week that just ended (Monday 00:00 in the reports time zone). Both are idempotent, as the log's
 * at-least-once delivery needs.
 */
import { desc, eq } from "drizzle-orm";
import { describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { EventHandlers, EventName, SwitchboardEvent } from "../events/types.ts";
import { sleep } from "../perf/turn.ts";
import type { Services } from "../services.ts";
import { agentAvailabilityLog, conversations } from "../store/schema.ts";
import { reportsTimeZone, rollupOptions } from "./options.ts";
import { weekOf } from "./periods.ts";
import { queueWeeklySample } from "./review.ts";
import { refreshContacts } from "./rollups.ts";

export const REFRESH_JOB = "core:reports.refresh";
export const REVIEW_JOB = "core:reports.review-sample";
const refreshKey = (contactId: number) => `reports:contact:${contactId}`;
/**
 * How long after an event its contact is measured again, at least. A refresh measures the contact's
 * whole history (a customer message is a sample), so its cost grows with it: 0.5 ms at 40 messages,
 * 2 ms at 160 (issue 22). A customer writing in bursts, as on live chat, paid for one every second;
 * every five seconds costs a fifth of that, and a weekly dashboard is none the worse for it.
 */
export const REFRESH_DELAY_MS = 5000;
/**
 * Refreshes are spread over this much more, by contact id: customers who wrote at the same moment
 * are not all measured at the same moment after (200 refreshes due together were a burst of about
 * 100 ms of work, which raised the p99 of the messages arriving meanwhile; issue 22).
 */
const REFRESH_SPREAD_MS = 1000;
/** The longest a contact's refresh waits after an event: REFRESH_DELAY_MS and the spread. */
export const REFRESH_MAX_DELAY_MS = REFRESH_DELAY_MS + REFRESH_SPREAD_MS;

/**
 * When the refresh of a contact touched by an event at `now` comes due.
 *
 * @example
 * refreshDueAt(7, now); // now + 5000 + (7 * 7919) % 1000 = now + 5433
 */
export const refreshDueAt = (contactId: number, now: number) => now + REFRESH_DELAY_MS + ((contactId * 7919) % REFRESH_SPREAD_MS);
/** A refresh this process scheduled counts as pending without a read until this long before it is due (clocks of other processes may run ahead). */
const PENDING_MARGIN_MS = 250;
/** Scheduled refreshes remembered at most (past ones are dropped when it fills). */
const MAX_REMEMBERED = 10_000;
/**
 * Contacts measured in one read snapshot at most: enough for their writes to share the rollup rows
 * (written in transactions of about REFRESH_BUDGET_MS), few enough that a chunk is a few
 * milliseconds of work at a time.
 */
const REFRESH_CHUNK = 16;
/** While a reports rebuild holds its lease, due refreshes wait this long and look again. */
export const REBUILD_RETRY_MS = 10_000;
/**
 * A chunk measures contacts until this much time has gone (the rest wait for the next chunk), gives
 * the event loop a turn at least this often while it measures, and writes in transactions of about
 * this long (refreshContacts' budget). Without it, 16 contacts of 160 messages were one stretch
 * without a turn of the event loop of 18-35 ms when nothing had changed, and 125 ms when each had
 * new samples; with it, 8 ms and 18-19 ms (issue 22's stall target is 20 ms).
 */
const REFRESH_BUDGET_MS = 5;

type ReportServices = Pick<Services, "store" | "bus" | "jobs" | "loaded" | "clock" | "inboxes" | "log">;

async function contactOf(sb: ReportServices, conversationId: number): Promise<number | undefined> {
  const [row] = await sb.store.db
    .select({ contactId: conversations.contactId })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return row?.contactId;
}

/**
 * Records an availability change once (a re-delivered event finds it there).
 *
 * @example
 * await recordAvailability(switchboard, 3, "online", Date.now());
 */
export async function recordAvailability(
  sb: Pick<Services, "store">,
  agentId: number,
  availability: "online" | "away" | "offline",
  at: number,
): Promise<void> {
  await sb.store.write(async (tx) => {
    const [last] = await tx
      .select()
      .from(agentAvailabilityLog)
      .where(eq(agentAvailabilityLog.agentId, agentId))
      .orderBy(desc(agentAvailabilityLog.at), desc(agentAvailabilityLog.id))
      .limit(1);
    // A re-delivered or older event, or no change: nothing to record.
    if (last && (last.at > at || last.availability === availability)) return;
    await tx.insert(agentAvailabilityLog).values({ agentId, availability, at });
  });
}

/**
 * Starts the reports subscriber ("reports") and defines its refresh job.
 *
 * @example
 * startReports(switchboard);
 */
export function startReports(sb: ReportServices): void {
  // Due refreshes run together, REFRESH_CHUNK contacts a chunk: contacts refreshed one at a time
  // cost 2.5 ms of CPU each (a commit, and the same hourly and daily rollup rows read and written
  // again for every contact), 0.3 ms in a chunk; with 200 customers writing, a refresh of each
  // every second was most of the server's CPU and a p99 of 100 ms at half capacity (issue 22).
  sb.jobs.defineBatch(REFRESH_JOB, async (due) => {
    const options = await rollupOptions(sb.store.db, sb.loaded.config);
    let left = due.map((job) => (job.payload as { contactId: number }).contactId);
    while (left.length > 0) {
      const started = performance.now();
      let notYet: number[];
      try {
        notYet = await refreshContacts(sb.store, options, left.slice(0, REFRESH_CHUNK), REFRESH_BUDGET_MS);
      } catch (error) {
        if (!(error instanceof SwitchboardError && error.code === ErrorCodes.REPORTS_REBUILDING)) throw error;
        // The same keys again: these jobs become pending, due later, instead of done.
        sb.log.info({ contacts: left.length, retryInMs: REBUILD_RETRY_MS }, "reports refreshes wait for the reports rebuild running");
        const at = sb.clock.now() + REBUILD_RETRY_MS;
        await sb.jobs.scheduleMany(
          left.map((contactId) => ({ kind: REFRESH_JOB, payload: { contactId }, options: { at, key: refreshKey(contactId) } })),
        );
        return;
      }
      left = [...notYet, ...left.slice(REFRESH_CHUNK)];
      // As long a pause as the chunk took, before the next: refreshes that come due together take
      // at most half of the thread, and the messages arriving meanwhile the rest (issue 22).
      if (left.length > 0) await sleep(Math.min(performance.now() - started, 50));
    }
  });
  const timeZone = reportsTimeZone(sb.loaded.config);
  const scheduleReview = () =>
    sb.jobs.schedule(REVIEW_JOB, {}, { at: weekOf(sb.clock.now(), timeZone, 1)[0], key: "reports:review-sample" });
  sb.jobs.define(REVIEW_JOB, async () => {
    const [week, weekEnd] = weekOf(sb.clock.now() - 1, timeZone);
    const size = sb.loaded.config.reports.review_sample;
    await queueWeeklySample(sb.store, week, weekEnd, size, Math.random, sb.inboxes.names());
    await scheduleReview();
  });
  scheduleReview().catch((error: unknown) => sb.log.error({ error: describeError(error) }, "cannot schedule the weekly continuity review"));
  // When the refreshes this process scheduled are due. Nothing cancels them and none is claimed
  // before it is due, so until shortly before then an event of that contact needs no read either
  // (one read per event was 5% of the server's CPU under ingest, issue 22).
  const scheduled = new Map<number, number>();
  /** Schedules a refresh of each contact that has none waiting: one read and one write for all of them. */
  const refresh = async (contactIds: readonly (number | undefined)[]) => {
    const now = sb.clock.now();
    const unsure = [
      ...new Set(contactIds.filter((id): id is number => id !== undefined && now >= (scheduled.get(id) ?? 0) - PENDING_MARGIN_MS)),
    ];
    if (unsure.length === 0) return;
    // A refresh still waiting to run reads everything committed by then, this event's change
    // included: a read settles it, with no write to wait for. (Scheduling again on every event
    // made this subscriber one commit per event: 18,000 events behind after 16 s of ingest, issue 22.)
    const waiting = await sb.jobs.pendingAmong(unsure.map(refreshKey));
    const due = unsure.filter((id) => !waiting.has(refreshKey(id)));
    if (due.length === 0) return;
    await sb.jobs.scheduleMany(
      due.map((contactId) => ({
        kind: REFRESH_JOB,
        payload: { contactId },
        options: { at: refreshDueAt(contactId, now), key: refreshKey(contactId) },
      })),
    );
    if (scheduled.size + due.length > MAX_REMEMBERED) for (const [id, at] of scheduled) if (at <= now) scheduled.delete(id);
    for (const contactId of due) if (scheduled.size < MAX_REMEMBERED) scheduled.set(contactId, refreshDueAt(contactId, now));
  };
  const byConversation = async (event: { data: { conversationId: number } }) => [await contactOf(sb, event.data.conversationId)];
  /** The contacts whose reports each event changes. */
  const touchedBy: { [N in EventName]?: (event: SwitchboardEvent<N>) => Promise<(number | undefined)[]> | (number | undefined)[] } = {
    "message.created": (event) => [event.data.contactId],
    "conversation.created": (event) => [event.data.contactId],
    "conversation.status_changed": byConversation,
    "conversation.assigned": byConversation,
    "sla.breached": byConversation,
    "conversation.merged": async (event) => [await contactOf(sb, event.data.targetId)],
    "contact.merged": (event) => [event.data.survivorId, event.data.mergedId],
    "contact.unmerged": (event) => [event.data.survivorId, event.data.restoredId],
    "contact.erased": (event) => [event.data.contactId],
    "csat.recorded": (event) => [event.data.contactId],
  };
  const touched = async (event: SwitchboardEvent) =>
    (await (touchedBy[event.name] as ((event: SwitchboardEvent) => Promise<(number | undefined)[]> | (number | undefined)[]) | undefined)?.(
      event,
    )) ?? [];
  const handlers: EventHandlers = {
    ...Object.fromEntries(Object.keys(touchedBy).map((name) => [name, async (event: SwitchboardEvent) => refresh(await touched(event))])),
    "agent.availability_changed": (event) => recordAvailability(sb, event.data.agentId, event.data.availability, event.at),
  };
  sb.bus.consume("reports", handlers, {
    // A batch of events: availability recorded in order, then one read and one write for every
    // contact touched (new customers' events were a commit each: 14,400 events behind after 5 s of
    // them). As many as the bus reads at a time: scheduling is idempotent, one read and one write.
    batchSize: 200,
    batch: async (events) => {
      const contactIds: (number | undefined)[] = [];
      for (const event of events)
        if (event.name === "agent.availability_changed")
          await handlers["agent.availability_changed"]?.(event as SwitchboardEvent<"agent.availability_changed">);
        else contactIds.push(...(await touched(event)));
      await refresh(contactIds);
    },
  });
}
