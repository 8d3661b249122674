/**
 * Keeps SLA clocks in step with conversations: a new conversation starts first-response and
 * resolution clocks; a customer message after an answer starts a next-response clock; an agent's
 * reply stops the response clocks; pending and snoozed pause every clock and reopening resumes
 * them; resolving stops them all. When teams have their own hours, an assignment re-reads them
 * (the time already used is counted again in the new hours). Events are handled in the order they
 * were published, one at a time or several in one transaction when a batch waits, each at its own
 * time (`event.at`): a subscriber behind the log (a burst of new conversations, a restart) starts
 * and stops clocks when the customer wrote and the agent answered, not when it got to the event.
 * Timers fire `sla.warning` and `sla.breached`.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BusinessHoursResolver } from "../business-hours/index.ts";
import { isCustomerMessage } from "../events/message-data.ts";
import type { ConversationState, SwitchboardEvent } from "../events/types.ts";
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";
import type { Queryable, Tx } from "../store/index.ts";
import { inIdList, reusableQuery } from "../store/reusable.ts";
import { type SlaTarget, slaClocks } from "../store/schema.ts";
import { caseClocks, caseHadFirstResponse, caseWaiting } from "./case-clocks.ts";
import {
  type ClockContext,
  liveClocks,
  pauseClock,
  refreshDue,
  resumeClock,
  SLA_JOB,
  type SlaClock,
  startClock,
  startClocks,
  stopClock,
  type TimerKind,
} from "./clocks.ts";
import { slaTargets } from "./policy.ts";

/** What the tracker reads of a conversation (all of it is in `message.created`). */
type TrackedConversation = Pick<ConversationState, "id" | "status" | "inbox" | "channel" | "teamId">;

const RESPONSE_TARGETS: SlaTarget[] = ["first_response", "next_response"];

/** Whether the conversation ever had a clock (read when a customer message finds none running). */
const anyClock = reusableQuery((db) =>
  db
    .select({ id: slaClocks.id })
    .from(slaClocks)
    .where(eq(slaClocks.conversationId, sql.placeholder("conversationId")))
    .limit(1),
);

/**
 * Whether a response clock of the conversation is not yet stopped (a customer message then changes
 * nothing). Answered from the (conversation, target, stopped_at) index alone: reading the live
 * clocks' rows for it was one of a known sender's most costly statements (issue 22).
 */
const awaitingResponse = reusableQuery((db) =>
  db
    .select({ id: slaClocks.id })
    .from(slaClocks)
    .where(
      and(
        eq(slaClocks.conversationId, sql.placeholder("conversationId")),
        inArray(slaClocks.target, RESPONSE_TARGETS),
        isNull(slaClocks.stoppedAt),
      ),
    )
    .limit(1),
);

/**
 * The conversations among some that have a response clock not yet stopped: awaitingResponse for a
 * batch of customer messages in one statement (see SlaTracker.#readAhead).
 */
const awaitingResponseAmong = reusableQuery((db) =>
  db
    .selectDistinct({ conversationId: slaClocks.conversationId })
    .from(slaClocks)
    .where(and(inIdList(slaClocks.conversationId), inArray(slaClocks.target, RESPONSE_TARGETS), isNull(slaClocks.stoppedAt))),
);

type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "log" | "loaded" | "registry">;
const PAUSED = new Set(["pending", "snoozed"]);
/**
 * Where the handling of an event reads and writes: alone (the store; a transaction per change), or
 * inside the transaction of a batch of events (reads and writes in it, seeing the batch's earlier changes).
 */
interface Scope {
  db: Queryable;
  write: (fn: (tx: Tx) => Promise<void>) => Promise<void>;
}

/**
 * Keeps SLA clocks in step with conversations and fires their timers.
 *
 * @example
 * new SlaTracker(switchboard, new BusinessHoursResolver(config)).start();
 */
export class SlaTracker {
  readonly #sb: Needs;
  readonly #hours: BusinessHoursResolver;
  #chain: Promise<unknown> = Promise.resolve();
  /**
   * Whether a response clock runs, read ahead for the customers' messages of the batch in hand
   * (#readAhead): `asked` are the conversations read, `live` those with one. A conversation leaves
   * `asked` when the tracker changes its clocks (#withClocks), so a later message of the same batch
   * reads again.
   */
  #ahead = { asked: new Set<number>(), live: new Set<number>() };
  /** Each event alone: reads from the store, a transaction per change. */
  readonly #alone: Scope;

  constructor(sb: Needs, hours: BusinessHoursResolver) {
    this.#sb = sb;
    this.#hours = hours;
    this.#alone = { db: sb.store.db, write: (fn) => sb.store.write(fn) };
  }

  /** Subscribes to the events and defines the timer job. */
  start(): void {
    const { bus, jobs } = this.#sb;
    const handle = (event: SwitchboardEvent) => this.#serial(() => this.#handle(event, this.#alone));
    bus.consume(
      "sla",
      { "message.created": handle, "conversation.status_changed": handle, "conversation.assigned": handle },
      { batch: (events) => this.#handleBatch(events) },
    );
    jobs.define(SLA_JOB, (payload) => {
      const { clockId, kind } = payload as { clockId: number; kind: TimerKind };
      return this.#serial(() => this.#fire(clockId, kind));
    });
  }

  /** Runs `fn` after every earlier event was handled; its error still reaches the caller (and the log). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Several events in order in one transaction (the bus gives at most 32 at a time): the same
   * handling as one at a time, with the reads inside the transaction, so each event sees what the
   * ones before it changed. A commit each made a burst of new customers' conversations one commit
   * per conversation (7,200 events behind after 5 s of new customers, issue 22). A batch that
   * changes nothing (customers writing again while their response clocks run) opens no transaction.
   */
  #handleBatch(events: readonly SwitchboardEvent[]): Promise<void> {
    return this.#serial(async () => {
      try {
        await this.#readAhead(events, this.#sb.store.db);
        if (events.every((event) => this.#changesNothing(event))) return;
        await this.#sb.store.write(async (tx) => {
          const scope: Scope = { db: tx, write: (fn) => fn(tx) };
          for (const event of events) await this.#handle(event, scope);
        });
      } finally {
        this.#ahead = { asked: new Set(), live: new Set() };
      }
    });
  }

  /** Whether handling `event` would change no clock, by what #readAhead read (see #onMessage). */
  #changesNothing(event: SwitchboardEvent): boolean {
    if (event.name !== "message.created") return false;
    const message = event.data as SwitchboardEvent<"message.created">["data"];
    const asks = this.#asks(message.conversation, message);
    return (
      asks === "nothing" ||
      (asks === "customer" && this.#ahead.asked.has(message.conversationId) && this.#ahead.live.has(message.conversationId))
    );
  }

  /**
   * What a message asks of the clocks: an agent's reply stops the response clocks; a customer's
   * message may start some; the rest (notes, automated messages, a resolved conversation, a
   * conversation without targets) nothing.
   */
  #asks(conversation: TrackedConversation, message: SwitchboardEvent<"message.created">["data"]): "reply" | "customer" | "nothing" {
    if (message.direction === "outgoing" && message.authorAgentId !== null) return "reply";
    if (message.direction !== "incoming" || conversation.status === "resolved" || message.automated) return "nothing";
    const targets = slaTargets(this.#sb.loaded.config, conversation, this.#sb.registry.familyOf(conversation.channel));
    return targets.first_response || targets.resolution || targets.next_response ? "customer" : "nothing";
  }

  /**
   * Reads whether a response clock runs for every conversation a customer wrote in, in `events`, in
   * one statement: a known sender's message asked it alone, one statement per message (issue 22).
   */
  async #readAhead(events: readonly SwitchboardEvent[], db: Queryable): Promise<void> {
    const ids = [...new Set(events.filter(isCustomerMessage).map((event) => event.data.conversationId))];
    const rows = ids.length < 2 ? [] : await awaitingResponseAmong(db, { ids: JSON.stringify(ids) });
    this.#ahead = { asked: new Set(ids.length < 2 ? [] : ids), live: new Set(rows.map((row) => row.conversationId)) };
  }

  /** Whether a response clock of the conversation runs: from #readAhead's answer while it holds, else read. */
  async #awaitingResponse(conversationId: number, scope: Scope): Promise<boolean> {
    if (this.#ahead.asked.has(conversationId)) return this.#ahead.live.has(conversationId);
    return (await awaitingResponse(scope.db, { conversationId })).length > 0;
  }

  /** Runs `fn` in one transaction with the conversation's clock context, at `now` (the event's time). */
  async #withClocks(
    scope: Scope,
    conversation: TrackedConversation,
    now: number,
    fn: (c: ClockContext, clocks: SlaClock[]) => Promise<void>,
  ): Promise<void> {
    const { jobs, loaded } = this.#sb;
    // Its clocks change: what #readAhead read about them no longer holds.
    this.#ahead.asked.delete(conversation.id);
    const calendar = await this.#hours.forConversation(scope.db, conversation);
    await scope.write(async (tx: Tx) => {
      const c: ClockContext = { tx, jobs, calendar, now, warningFraction: loaded.config.sla.warning_fraction };
      await fn(c, await liveClocks(tx, conversation.id));
      await refreshDue(tx, conversation.id);
    });
  }

  async #handle(event: SwitchboardEvent, scope: Scope): Promise<void> {
    // message.created carries its conversation; the other events are rarer and read it.
    if (event.name === "message.created") {
      const data = event.data as SwitchboardEvent<"message.created">["data"];
      return this.#onMessage(scope, data.conversation, data, event.at);
    }
    const data = event.data as { conversationId: number };
    const conversation = await findConversation(scope.db, data.conversationId);
    if (!conversation) return;
    if (event.name === "conversation.assigned") return this.#onAssigned(scope, conversation, event.at);
    return this.#onStatus(scope, conversation, event.data as SwitchboardEvent<"conversation.status_changed">["data"], event.at);
  }

  /** Teams with their own hours: running clocks get a due time in the (maybe new) team's hours. */
  async #onAssigned(scope: Scope, conversation: TrackedConversation, at: number): Promise<void> {
    if (Object.keys(this.#sb.loaded.config.team_hours).length === 0) return;
    await this.#withClocks(scope, conversation, at, async (c, clocks) => {
      for (const clock of clocks.filter((k) => k.runningSince !== null)) {
        await pauseClock(c, clock);
        const [paused] = await c.tx.select().from(slaClocks).where(eq(slaClocks.id, clock.id));
        await resumeClock(c, paused!);
      }
    });
  }

  async #onMessage(
    scope: Scope,
    conversation: TrackedConversation,
    message: SwitchboardEvent<"message.created">["data"],
    at: number,
  ): Promise<void> {
    const asks = this.#asks(conversation, message);
    if (asks === "reply") {
      await this.#withClocks(scope, conversation, at, async (c, clocks) => {
        for (const clock of clocks.filter((k) => RESPONSE_TARGETS.includes(k.target))) await stopClock(c, clock, true);
      });
      // A reply on any conversation of a case answers the customer's wait on all of them.
      const { siblings } = await caseClocks(scope.db, conversation.id);
      for (const sibling of siblings)
        await this.#withClocks(scope, sibling, at, async (c, clocks) => {
          for (const clock of clocks.filter((k) => RESPONSE_TARGETS.includes(k.target))) await stopClock(c, clock, true);
        });
      return;
    }
    if (asks === "nothing") return;
    // The customer writing again while a response clock runs changes nothing: no write at all.
    // (SLA work is serialised in this process, so the clocks cannot change before the write.)
    if (await this.#awaitingResponse(conversation.id, scope)) return;
    const targets = slaTargets(this.#sb.loaded.config, conversation, this.#sb.registry.familyOf(conversation.channel));
    const paused = PAUSED.has(conversation.status);
    // In a case, the customer may already wait on another channel, and first response is counted once per case.
    const inCase = await caseClocks(scope.db, conversation.id);
    const caseWaits = caseWaiting(inCase);
    await this.#withClocks(scope, conversation, at, async (c, clocks) => {
      // A conversation with clocks not yet stopped has had one; only one without needs the read.
      const hadClock = clocks.length > 0 || (await anyClock(c.tx, { conversationId: conversation.id })).length > 0;
      if (!hadClock) {
        const starts: { target: SlaTarget; targetMs: number }[] = [];
        if (caseHadFirstResponse(inCase)) {
          if (!caseWaits && targets.next_response) starts.push({ target: "next_response", targetMs: targets.next_response });
        } else if (targets.first_response) starts.push({ target: "first_response", targetMs: targets.first_response });
        if (targets.resolution) starts.push({ target: "resolution", targetMs: targets.resolution });
        await startClocks(c, conversation.id, starts, paused);
        return;
      }
      const waiting = clocks.some((k) => RESPONSE_TARGETS.includes(k.target));
      if (!waiting && !caseWaits && targets.next_response)
        await startClock(c, conversation.id, "next_response", targets.next_response, paused);
    });
  }

  async #onStatus(
    scope: Scope,
    conversation: TrackedConversation,
    change: SwitchboardEvent<"conversation.status_changed">["data"],
    at: number,
  ): Promise<void> {
    const targets = slaTargets(this.#sb.loaded.config, conversation, this.#sb.registry.familyOf(conversation.channel));
    await this.#withClocks(scope, conversation, at, async (c, clocks) => {
      if (change.to === "resolved") {
        for (const clock of clocks) await stopClock(c, clock, clock.target === "resolution");
      } else if (PAUSED.has(change.to)) {
        for (const clock of clocks) await pauseClock(c, clock);
      } else if (change.to === "open" && change.from === "resolved") {
        if (targets.resolution && !clocks.some((k) => k.target === "resolution"))
          await startClock(c, conversation.id, "resolution", targets.resolution, false);
      } else if (change.to === "open") {
        for (const clock of clocks) await resumeClock(c, clock);
      }
    });
  }

  /** A timer: marks the clock warned or breached and records the event with it, if still due. */
  async #fire(clockId: number, kind: TimerKind): Promise<void> {
    const { store, clock: time, bus } = this.#sb;
    const event = await store.write(async (tx) => {
      const [clock] = await tx
        .select()
        .from(slaClocks)
        .where(and(eq(slaClocks.id, clockId), isNull(slaClocks.stoppedAt)));
      if (!clock || clock.runningSince === null || clock.dueAt === null) return null;
      const now = time.now();
      if (kind === "warning" && clock.warnedAt === null) {
        await tx.update(slaClocks).set({ warnedAt: now }).where(eq(slaClocks.id, clockId));
        return bus.record(tx, "sla.warning", { conversationId: clock.conversationId, target: clock.target, dueAt: clock.dueAt });
      }
      if (kind === "breach" && clock.breachedAt === null && clock.dueAt <= now) {
        await tx.update(slaClocks).set({ breachedAt: clock.dueAt, outcome: "miss" }).where(eq(slaClocks.id, clockId)); // the moment it breached, even if noticed later
        return bus.record(tx, "sla.breached", { conversationId: clock.conversationId, target: clock.target, dueAt: clock.dueAt });
      }
      return null;
    });
    if (event) bus.announce(event);
  }
}
