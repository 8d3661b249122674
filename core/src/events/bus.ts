/**
 * The event bus over the durable event log. A change records its events in its own transaction
 * (`record`), and once it has committed the bus announces them (`announce`): live subscribers
 * (`on`: SSE streams, metrics, plugins) get them at once, best effort; durable subscribers
 * (`consume`: SLA clocks, automations, webhooks, routing) read them from the log after their
 * cursor, at least once, so a crash at any moment only delays their work until the restart.
 *
 * Across processes (`[cluster]`): every process reads the log after what it has delivered live, so
 * live subscribers also get the events other processes (and the CLI) logged; a broadcast wakes them
 * at once, the poll within a second. The durable subscribers run in the one process that holds
 * the "events" lease (`setDurable`); ephemeral events (typing) travel by broadcast only.
 */
import type { Clock } from "../clock.ts";
import type { Cluster } from "../cluster/index.ts";
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { realClearTimeout, realSetTimeout, SLICE_MS, Slicer } from "../perf/turn.ts";
import { noteWork } from "../perf/work.ts";
import type { Store, Tx } from "../store/index.ts";
import { storageFailureOf } from "../store/storage-failure.ts";
import {
  appendEvent,
  appendEvents,
  EPHEMERAL_EVENTS,
  lastPosition,
  moveCursors,
  openCursor,
  pruneEvents,
  readEvents,
  type SubscriberLag,
  subscriberLag,
} from "./log.ts";
import { RecentEvents } from "./recent.ts";
import type { EventEntry, EventHandlers, EventName, SwitchboardEvent, SwitchboardEvents } from "./types.ts";

type Handler = (event: SwitchboardEvent) => Promise<void> | void;
type Names = readonly EventName[] | "*";

/** How a durable subscriber takes its events, beyond its handlers (see EventBus.consume). */
export interface ConsumeOptions {
  /**
   * Runs before the handlers with the events they are about to get (the subscriber's own, in log
   * order; as many as the log had ready, up to 200): a place to read what the handlers will need for
   * all of them in one statement instead of one per event. It must only read, and the handlers must
   * still be right without it: when it fails, the failure is logged and the handlers run alone.
   * Whatever it keeps is only true until the handlers change it (see core/src/conversations/send-later.ts).
   * A subscriber with `batch` gets no `prepare` for what its batch handles.
   *
   * @example
   * let waiting = new Set<number>();
   * bus.consume(
   *   "reminders",
   *   { "message.created": (event) => (waiting.has(event.data.conversationId) ? remind(event) : undefined) },
   *   { prepare: async (events) => (waiting = await conversationsWithReminders(events.map((e) => e.data.conversationId))) },
   * );
   */
  prepare?: (events: readonly SwitchboardEvent[]) => Promise<void> | void;
  /**
   * Handles the subscriber's events together instead of one at a time (in log order, up to
   * `batchSize` a call, as many as the log had ready; a lone event goes to its handler): for work
   * that costs much less done for many events at once, such as one transaction for all of them
   * instead of a commit each. The cursor moves past a call's events once it resolves, before the next call. When it
   * throws, that call's events go to the handlers one at a time, with their retries: the handlers
   * stay the reference, and `batch` must do what they would (and be idempotent, as they are). So a
   * call should commit all of its work or none of it (one transaction).
   *
   * @example
   * bus.consume(
   *   "clocks",
   *   { "message.created": (event) => store.write((tx) => track(tx, event)) },
   *   { batch: (events) => store.write(async (tx) => { for (const event of events) await track(tx, event); }) },
   * );
   */
  batch?: (events: readonly SwitchboardEvent[]) => Promise<void>;
  /**
   * How many events `batch` gets at most in one call: 32 unless given, at most 200 (what the bus
   * reads at a time). A larger one suits work that is cheap per event and needs no one transaction
   * (the reports subscriber's scheduling); a call should still commit all of its work or none.
   */
  batchSize?: number;
}

interface Subscription {
  handler: Handler;
  /** Who subscribed, for logs ("plugin:telegram", "sse", "webhooks"). */
  owner: string;
}

interface Consumer {
  subscriber: string;
  names: Names;
  handler: Handler;
  prepare: ConsumeOptions["prepare"];
  batch: ConsumeOptions["batch"];
  /** At most this many events a `batch` call. */
  batchSize: number;
  /** Resolves to the cursor's position once its row exists. */
  opened: Promise<number>;
  running: Promise<number> | undefined;
  /** Set when events arrive while it runs: it reads again before stopping. */
  again: boolean;
  closed: boolean;
  /** The `outsideWakes` count when it last read the log to its end (see EventBus.#next). */
  checked: number;
}

/**
 * How long handled positions wait before they are written, at most (idle, a lost lease and
 * shutdown write them at once). A cursor write is a commit of its own unless a change's commit
 * takes it along: written on the next turn, it was one commit per message at 300 msg/s, as many
 * as the messages' own, each about 0.17 ms of the thread (issue 22). A crash repeats the events of
 * that time again, as the log's at-least-once delivery allows.
 */
const CURSOR_WRITE_DELAY_MS = 200;

/** How many events a durable subscriber reads at a time. */
const BATCH = 200;
/** How many events a subscriber's `batch` gets at most in one call unless it says (see ConsumeOptions.batchSize). */
const BATCH_SLICE = 32;
/** Attempts per event before a durable subscriber logs it as failed and goes on. */
const ATTEMPTS = 3;
/** How many positions delivered live are remembered, to deliver an event once when both the announcement and the log reading bring it. */
const SEEN_KEPT = 4_096;
/** The broadcast topics: a logged event's position, and an ephemeral event itself. */
const LOGGED_TOPIC = "events";
const EPHEMERAL_TOPIC = "events.ephemeral";

export class EventBus {
  readonly #byName = new Map<string, Subscription[]>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #store: Store;
  /**
   * Reads of the log in flight, by position, shared by the durable subscribers that stand at the same
   * position (after a wake they usually all do): one read serves them all, each keeps the events it
   * has handlers for. Cleared on every wake, so a read started before an event was announced is
   * never taken as the answer to that announcement.
   */
  #reads = new Map<number, Promise<SwitchboardEvent[]>>();
  /** Cursor positions handled but not written yet, by subscriber; one statement writes them all. */
  readonly #cursorTargets = new Map<string, number>();
  #cursorWrite: Promise<void> | undefined;
  /** Ends the wait of the cursor write in line (see CURSOR_WRITE_DELAY_MS), when there is one. */
  #writeCursorsNow: (() => void) | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #ephemeral = 0;
  #failed = 0;
  /** The log position up to which live subscribers have had every event; undefined until the first reading. */
  #livePosition: number | undefined;
  /** Positions delivered live (by announcement or by reading), oldest first. */
  readonly #seen = new Set<number>();
  #tailing: Promise<void> | undefined;
  #tailAgain = false;
  /** Whether the durable subscribers run in this process (false while another process holds the "events" lease). */
  #durable = true;
  /** Events announced here lately, served from memory (see #next). */
  readonly #recent = new RecentEvents();
  /**
   * Counts the wakes that may mean events this process did not announce: the poll, another
   * process's broadcast, start, `idle`. A reader that has read the log to its end since the last
   * one, and stands at or after the newest event announced here, has nothing to read.
   */
  #outsideWakes = 1;
  #cluster: Cluster | undefined;

  /** Events are stamped with `clock`'s time (a test's manual clock controls it) and logged in `store`. */
  constructor(log: Logger, clock: Clock, store: Store) {
    this.#log = log;
    this.#clock = clock;
    this.#store = store;
  }

  /**
   * Subscribes a live handler to one event, or "*" for all: it runs in this process right after the
   * change commits, and misses what happened while it was not running (a crash, a restart). Use
   * `consume` for work that must not be lost. Returns a function that unsubscribes.
   *
   * @example
   * const off = bus.on("message.created", (event) => console.log(event.data.text), "example");
   */
  on<N extends EventName>(name: N | "*", handler: (event: SwitchboardEvent<N>) => Promise<void> | void, owner = "core"): () => void {
    const list = this.#byName.get(name) ?? [];
    const subscription: Subscription = { handler: handler as Handler, owner };
    list.push(subscription);
    this.#byName.set(name, list);
    return () => {
      const current = this.#byName.get(name);
      if (current)
        this.#byName.set(
          name,
          current.filter((s) => s !== subscription),
        );
    };
  }

  /**
   * Subscribes durable handlers: `subscriber` reads the logged events it has handlers for, after its
   * cursor, in order, at least once; the cursor is stored at most CURSOR_WRITE_DELAY_MS (200 ms)
   * after an event is handled and survives restarts (a new subscriber starts at the end of the log).
   * Handlers must be idempotent: after a crash the events handled since the cursor was last stored
   * run again. A handler that throws is retried; after 3 failures the event is logged
   * as failed and skipped. A storage failure (disk full) stops the subscriber where it is until the
   * store writes again. `options.prepare` reads ahead for the handlers of several events at once;
   * `options.batch` handles several at once.
   * Returns a function that unsubscribes (the cursor stays).
   *
   * @example
   * bus.consume("welcome", {
   *   "conversation.created": (event) => greet(event.data.conversationId),
   *   "contact.erased": (event) => forget(event.data.contactId),
   * });
   */
  consume(subscriber: string, handlers: EventHandlers, options: ConsumeOptions = {}): () => void {
    if (this.#consumers.has(subscriber)) throw new Error(`A durable subscriber named "${subscriber}" exists already.`);
    const keys = Object.keys(handlers) as (EventName | "*")[];
    const names: Names = keys.includes("*") ? "*" : (keys as EventName[]);
    const handler: Handler = async (event) => {
      await (handlers[event.name] as Handler | undefined)?.(event);
      await handlers["*"]?.(event);
    };
    const consumer: Consumer = {
      subscriber,
      names,
      handler,
      prepare: options.prepare,
      batch: options.batch,
      batchSize: Math.min(BATCH, Math.max(1, Math.floor(options.batchSize ?? BATCH_SLICE))),
      opened: openCursor(this.#store, subscriber, this.#clock.now()),
      running: undefined,
      again: false,
      closed: false,
      checked: 0,
    };
    consumer.opened.catch((error: unknown) => this.#log.error({ subscriber, error: describeError(error) }, "cannot open the event cursor"));
    this.#consumers.set(subscriber, consumer);
    return () => {
      consumer.closed = true;
      this.#consumers.delete(subscriber);
    };
  }

  /**
   * Writes an event inside `tx`, the transaction of the change it describes. Announce it once the
   * transaction has committed.
   *
   * @example
   * const event = await store.write((tx) => bus.record(tx, "contact.created", { contactId: 7 }));
   * bus.announce(event);
   */
  record<N extends EventName>(tx: Tx, name: N, data: SwitchboardEvents[N]): Promise<SwitchboardEvent<N>> {
    return appendEvent(tx, name, data, this.#clock.now());
  }

  /**
   * As `record`, for several events of one change: written in one statement, logged (and to be
   * announced) in the order given.
   *
   * @example
   * const events = await store.write((tx) =>
   *   bus.recordAll(tx, [
   *     { name: "contact.created", data: { contactId: 7 } },
   *     { name: "conversation.created", data: { conversationId: 9, contactId: 7, inbox: "shop", channel: "api" } },
   *   ]),
   * );
   * bus.announce(...events);
   */
  recordAll(tx: Tx, entries: readonly EventEntry[]): Promise<SwitchboardEvent[]> {
    return appendEvents(tx, entries, this.#clock.now());
  }

  /** Delivers committed events to live subscribers and wakes the durable ones (in every process). */
  announce(...events: SwitchboardEvent[]): void {
    let newest: number | undefined;
    for (const event of events) {
      if (event.seq === undefined) {
        this.#deliverLive(event);
        this.#cluster?.broadcast(EPHEMERAL_TOPIC, JSON.stringify(event), { here: false });
        continue;
      }
      this.#recent.remember(event);
      if (this.#firstSight(event.seq)) this.#deliverLive(event);
      newest = Math.max(newest ?? 0, event.seq);
    }
    if (newest === undefined) return;
    this.#wakeAll(false);
    this.#cluster?.broadcast(LOGGED_TOPIC, String(newest), { here: false });
  }

  /**
   * Forgets logged events that were deleted from the log (a contact's erasure): no subscriber gets
   * them from memory afterwards.
   *
   * @example
   * bus.forget(erasedPositions);
   */
  forget(positions: readonly number[]): void {
    this.#recent.forget(positions);
  }

  /**
   * Shares the bus with the other processes of `cluster`: wakes them when events are logged here,
   * wakes this one when they log some, and passes ephemeral events both ways.
   */
  attach(cluster: Cluster): void {
    this.#cluster = cluster;
    if (!cluster.shared) return;
    // The durable subscribers wait for the "events" lease (the assembly holds it).
    this.#durable = false;
    cluster.listen(LOGGED_TOPIC, () => this.#wakeAll(true));
    cluster.listen(EPHEMERAL_TOPIC, (payload) => this.#deliverLive(JSON.parse(payload) as SwitchboardEvent));
  }

  /**
   * Runs the durable subscribers in this process (true, the default) or not (another process holds
   * them). Turned off, a subscriber stops after the event in hand; turned on, they catch up.
   */
  setDurable(active: boolean): void {
    this.#durable = active;
    // The process that takes the lease over starts from the cursors: what was handled here counts.
    if (!active) this.#writeCursorsNow?.();
    if (active) this.#wakeAll(true);
  }

  /**
   * Records an event in a transaction of its own and announces it: for events that follow no
   * stored change of their own (an SLA breach found by a timer). Ephemeral events (typing) are
   * only announced. Prefer `record` inside the change's transaction where there is one.
   *
   * @example
   * await bus.publish("agent.availability_changed", { agentId: 3, availability: "away" });
   */
  async publish<N extends EventName>(name: N, data: SwitchboardEvents[N]): Promise<SwitchboardEvent<N>> {
    const event: SwitchboardEvent<N> = EPHEMERAL_EVENTS.has(name)
      ? { id: `e${(++this.#ephemeral).toString(36)}`, name, data, at: this.#clock.now() }
      : await this.#store.write((tx) => this.record(tx, name, data));
    this.announce(event);
    return event;
  }

  /** Logged events after `position` (SSE catch-up after a reconnect), oldest first. */
  replay(position: number, limit: number): Promise<SwitchboardEvent[]> {
    return readEvents(this.#store.db, position, "*", limit);
  }

  /** Each durable subscriber's lag behind the log, and how many events failed for good since start. */
  async lag(): Promise<{ subscribers: SubscriberLag[]; failed: number }> {
    const names = new Map([...this.#consumers.values()].map((c) => [c.subscriber, c.names] as const));
    return { subscribers: await subscriberLag(this.#store.db, names, this.#clock.now()), failed: this.#failed };
  }

  /** Deletes logged events older than `retainMs` that every durable subscriber has handled. */
  prune(retainMs: number): Promise<number> {
    return pruneEvents(this.#store, this.#clock.now() - retainMs, [...this.#consumers.keys()]);
  }

  /** The newest logged event's position. */
  position(): Promise<number> {
    return lastPosition(this.#store.db);
  }

  /**
   * Starts reading the log every `pollMs` too, for events other processes wrote (the CLI, a second
   * server) and for subscribers stopped by a storage failure.
   */
  start(pollMs = 1_000): void {
    this.#poll ??= setInterval(() => this.#wakeAll(true), pollMs);
    this.#wakeAll(true);
  }

  /** Wakes the durable subscribers once, without polling (for a Switchboard run without background workers). */
  catchUp(): void {
    this.#wakeAll(true);
  }

  /** Stops the polling (subscribers finish what they are reading; `idle` waits for them). */
  stop(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  /** Resolves once every live handler started so far has settled and every durable subscriber has caught up. */
  async idle(): Promise<void> {
    // Reads the log to its end, whatever was announced: "caught up" means with the log.
    this.#outsideWakes++;
    for (;;) {
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      await this.#tailing;
      const handled = await Promise.all(
        [...this.#consumers.values()]
          .filter(() => this.#durable)
          .map((c) =>
            this.#run(c).catch((error: unknown) => {
              this.#log.warn({ subscriber: c.subscriber, error: describeError(error) }, "durable subscriber paused");
              return 0;
            }),
          ),
      );
      this.#writeCursorsNow?.();
      await this.#cursorWrite;
      if (this.#pending.size === 0 && handled.every((n) => n === 0)) return;
    }
  }

  #deliverLive(event: SwitchboardEvent): void {
    const subscribers = [...(this.#byName.get(event.name) ?? []), ...(this.#byName.get("*") ?? [])];
    for (const subscription of subscribers) {
      const run = Promise.resolve()
        .then(() => subscription.handler(event))
        .catch((error: unknown) =>
          this.#log.error({ event: event.name, owner: subscription.owner, error: describeError(error) }, "event handler failed"),
        )
        .finally(() => this.#pending.delete(run));
      this.#pending.add(run);
    }
  }

  /** Wakes the live tail and the durable subscribers; `outside` when the log may hold events not announced here. */
  #wakeAll(outside: boolean): void {
    if (outside) this.#outsideWakes++;
    this.#reads = new Map();
    this.#tail();
    if (!this.#durable) return;
    for (const consumer of this.#consumers.values())
      this.#run(consumer).catch((error: unknown) =>
        this.#log.warn(
          { subscriber: consumer.subscriber, error: describeError(error) },
          "durable subscriber paused; it resumes on the next poll",
        ),
      );
  }

  /** Runs the subscriber until it has read the whole log (once at a time); resolves to how many events it handled. */
  #run(consumer: Consumer): Promise<number> {
    if (consumer.running) {
      consumer.again = true;
      return consumer.running;
    }
    const run = async () => {
      let handled = 0;
      do {
        consumer.again = false;
        handled += await this.#drain(consumer);
      } while (consumer.again && !consumer.closed);
      return handled;
    };
    consumer.running = run().finally(() => (consumer.running = undefined));
    return consumer.running;
  }

  async #drain(consumer: Consumer): Promise<number> {
    let position = await consumer.opened;
    let handled = 0;
    const label = `consume.${consumer.subscriber}`;
    const slicer = new Slicer(SLICE_MS);
    try {
      const stopped = () => consumer.closed || !this.#durable;
      while (!stopped()) {
        const events = await this.#next(position, consumer);
        if (events.length === 0) break;
        const mine = this.#mine(consumer, events);
        const together = consumer.batch !== undefined && mine.length > 1;
        if (!together) await this.#prepare(consumer, mine);
        // In log order: the events one at a time, or `batchSize` at a time for `batch` (each slice
        // handled, and the cursor moved past it, before the next: a slice that fails goes to the
        // handlers alone, and nothing committed by an earlier slice is handled again).
        const size = together ? consumer.batchSize : 1;
        for (let i = 0; i < mine.length && !stopped(); i += size) {
          const unit = mine.slice(i, i + size);
          if (unit.length > 1 && (await this.#handleBatch(consumer, unit))) {
            position = unit.at(-1)!.seq!;
            handled += unit.length;
            this.#moveCursor(consumer.subscriber, position);
          } else {
            for (const event of unit) {
              if (stopped()) break;
              noteWork(label);
              await this.#handle(consumer, event);
              position = event.seq!;
              handled++;
              this.#moveCursor(consumer.subscriber, position);
            }
          }
          // Handlers that only read run on the thread without a pause (the native client answers
          // synchronously): a subscriber working off a backlog held the event loop for 40-70 ms
          // (issue 22). After SLICE_MS of it, a turn of the event loop lets requests in.
          await slicer.pause();
        }
        // The rest of what was read is for other subscribers.
        if (!stopped()) position = events.at(-1)!.seq!;
      }
    } finally {
      // The cursor write is not awaited here (idle() waits for it): the subscriber is free at once
      // for the next event.
      consumer.opened = Promise.resolve(position);
    }
    return handled;
  }

  /**
   * Queues a cursor move, not awaited: while one write of the cursors waits (CURSOR_WRITE_DELAY_MS)
   * or commits, later moves of every subscriber only raise their targets, and the next write takes
   * them all in one statement. So the durable subscribers cost at most about five cursor writes a
   * second, not one per subscriber and event, and a crash repeats at most the events handled since
   * the last cursor write committed.
   */
  #moveCursor(subscriber: string, position: number): void {
    if ((this.#cursorTargets.get(subscriber) ?? -1) < position) this.#cursorTargets.set(subscriber, position);
    if (!this.#cursorWrite && this.#cursorTargets.size > 0) this.#cursorWrite = this.#writeCursors();
  }

  async #writeCursors(): Promise<void> {
    // A wait first, so the moves of every subscriber meanwhile go into one write, which usually
    // joins a change's commit (store.write groups them) instead of committing alone.
    await new Promise<void>((resolve) => {
      const timer = realSetTimeout(resolve, CURSOR_WRITE_DELAY_MS);
      // Written at once: no timer left behind to hold a stopping process up.
      this.#writeCursorsNow = () => {
        realClearTimeout(timer);
        resolve();
      };
    });
    this.#writeCursorsNow = undefined;
    while (this.#cursorTargets.size > 0) {
      const positions = new Map(this.#cursorTargets);
      this.#cursorTargets.clear();
      await moveCursors(this.#store, positions, this.#clock.now()).catch((error: unknown) =>
        this.#log.warn(
          { positions: Object.fromEntries(positions), error: describeError(error) },
          "cannot move the event cursors; the events since their last positions run again",
        ),
      );
    }
    // No await between the last check and here, so a later move starts a new write.
    this.#cursorWrite = undefined;
  }

  /** True the first time a logged position is delivered live (announced here, or read from the log). */
  #firstSight(seq: number): boolean {
    if (this.#seen.has(seq)) return false;
    this.#seen.add(seq);
    if (this.#seen.size > SEEN_KEPT) for (const old of this.#seen) if (this.#seen.delete(old) && this.#seen.size <= SEEN_KEPT) break;
    return true;
  }

  /**
   * Reads the log after the live position and delivers what no announcement here delivered: the
   * events other processes (or the CLI) logged. One reading at a time; a wake during one reads again.
   */
  #tail(): void {
    if (this.#tailing) {
      this.#tailAgain = true;
      return;
    }
    const run = async () => {
      do {
        this.#tailAgain = false;
        if (this.#livePosition === undefined) {
          this.#livePosition = await lastPosition(this.#store.db);
          continue;
        }
        for (;;) {
          const events = await this.#next(this.#livePosition, this.#tailReader);
          for (const event of events) {
            this.#livePosition = Math.max(this.#livePosition, event.seq!);
            if (this.#firstSight(event.seq!)) this.#deliverLive(event);
          }
          if (events.length < BATCH) break;
        }
      } while (this.#tailAgain);
    };
    this.#tailing = run()
      .catch((error: unknown) =>
        this.#log.warn({ error: describeError(error) }, "cannot read the event log for live updates; retrying on the next poll"),
      )
      .finally(() => (this.#tailing = undefined));
  }

  /** The live tail, as a reader of the log (see Consumer.checked). */
  readonly #tailReader = { checked: 0 };

  /**
   * Up to BATCH logged events after `position` for `reader`: from memory while the positions after
   * it were announced here; nothing, without reading, when the reader has read the log to its end
   * since the last outside wake and no newer event was announced; else from the log.
   */
  async #next(position: number, reader: { checked: number }): Promise<SwitchboardEvent[]> {
    const remembered = this.#recent.after(position, BATCH);
    if (remembered.length > 0) return remembered;
    if (reader.checked === this.#outsideWakes && position >= this.#recent.newest) return [];
    const wakes = this.#outsideWakes;
    const events = await this.#read(position);
    if (events.length < BATCH) reader.checked = wakes;
    return events;
  }

  /** Up to BATCH logged events after `position`, of every name, read once for all subscribers there. */
  #read(position: number): Promise<SwitchboardEvent[]> {
    const reads = this.#reads;
    let read = reads.get(position);
    if (!read) {
      read = readEvents(this.#store.db, position, "*", BATCH);
      reads.set(position, read);
      // Forgotten once settled: a later read at this position must see events committed since.
      const forget = () => {
        if (reads.get(position) === read) reads.delete(position);
      };
      read.then(forget, forget);
    }
    return read;
  }

  /** The events of `events` the subscriber has handlers for. */
  #mine(consumer: Consumer, events: readonly SwitchboardEvent[]): readonly SwitchboardEvent[] {
    const names = consumer.names;
    return names === "*" ? events : events.filter((event) => names.includes(event.name));
  }

  /**
   * Gives the subscriber's `batch` some of its events (see ConsumeOptions). Resolves to whether it
   * handled them; false when it failed (logged; the handlers then take them one at a time).
   */
  async #handleBatch(consumer: Consumer, events: readonly SwitchboardEvent[]): Promise<boolean> {
    try {
      await consumer.batch!(events);
      noteWork(`consume.${consumer.subscriber}`, events.length);
      return true;
    } catch (error) {
      if (storageFailureOf(error)) throw error;
      this.#log.warn(
        { subscriber: consumer.subscriber, events: events.length, error: describeError(error) },
        "a durable subscriber's batch failed; its handlers take the events one at a time",
      );
      return false;
    }
  }

  /** Gives the subscriber's `prepare` its events of a batch, `mine` (see ConsumeOptions); a failure is logged, not fatal. */
  async #prepare(consumer: Consumer, mine: readonly SwitchboardEvent[]): Promise<void> {
    if (!consumer.prepare || mine.length === 0) return;
    try {
      await consumer.prepare(mine);
    } catch (error) {
      if (storageFailureOf(error)) throw error;
      this.#log.warn(
        { subscriber: consumer.subscriber, events: mine.length, error: describeError(error) },
        "a durable subscriber could not read ahead; its handlers read for themselves",
      );
    }
  }

  async #handle(consumer: Consumer, event: SwitchboardEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.handler(event);
        return;
      } catch (error) {
        const failure = storageFailureOf(error);
        if (failure) throw error;
        const log = { subscriber: consumer.subscriber, event: event.name, seq: event.seq, attempt, error: describeError(error) };
        if (attempt >= ATTEMPTS) {
          this.#failed++;
          this.#log.error(log, "durable event handler failed for good; the event is skipped for this subscriber");
          return;
        }
        this.#log.warn(log, "durable event handler failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}
