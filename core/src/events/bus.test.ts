// The durable event bus over a real libSQL file: events commit with their change, durable
// subscribers resume from their cursor after a "crash" (a second bus on the same store), live ones
// do not; retries, skipping, pruning and replay.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../clock.ts";
import { createLogger } from "../log/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { contacts, domainEvents } from "../store/schema.ts";
import { EventBus } from "./bus.ts";
import { pruneEvents } from "./log.ts";
import type { SwitchboardEvent } from "./types.ts";

let dir: string;
let store: Store;
const clock = new ManualClock(1_700_000_000_000);
const log = createLogger({ level: "silent" });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchboard-bus-"));
  store = await openStore({ url: `file:${join(dir, "sb.db")}` });
  await store.migrate();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a contact and its contact.created event in one transaction; announces it after the commit. */
async function createContact(bus: EventBus, name: string): Promise<SwitchboardEvent> {
  const event = await store.write(async (tx) => {
    const [row] = await tx.insert(contacts).values({ name, createdAt: clock.now(), updatedAt: clock.now() }).returning();
    return bus.record(tx, "contact.created", { contactId: row!.id });
  });
  bus.announce(event);
  return event;
}

describe("EventBus", () => {
  it("delivers live what another process logged, once, in order, beside its own announcements", async () => {
    // Two buses on one file stand for two processes; the second never announces to the first.
    const here = new EventBus(log, clock, store);
    const elsewhere = new EventBus(log, clock, store);
    const contactOf = (event: SwitchboardEvent) => (event as SwitchboardEvent<"contact.created">).data.contactId;
    const live: number[] = [];
    here.on("contact.created", (event) => void live.push(event.data.contactId));
    here.catchUp(); // the first reading sets the live position at the end of the log
    await here.idle();
    const before = await createContact(elsewhere, "Before");
    here.catchUp();
    await here.idle();
    expect(live).toEqual([contactOf(before)]);
    const mine = await createContact(here, "Mine");
    const theirs = [await createContact(elsewhere, "Ada"), await createContact(elsewhere, "Bob")];
    here.catchUp(); // a poll or a broadcast wakes it
    await here.idle();
    here.catchUp();
    await here.idle();
    expect(live).toEqual([before, mine, ...theirs].map(contactOf));
  });

  it("writes an event in its change's transaction: a change that rolls back leaves no event", async () => {
    const bus = new EventBus(log, clock, store);
    await expect(
      store.write(async (tx) => {
        await bus.record(tx, "contact.created", { contactId: 1 });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await store.db.select().from(domainEvents)).toEqual([]);
    const event = await createContact(bus, "Ada");
    expect(event.seq).toBe(Number(event.id));
    expect(await bus.position()).toBe(event.seq);
  });

  it("a durable subscriber handles, after a restart, what was logged while it was down; a live one does not", async () => {
    const seen: number[] = [];
    const first = new EventBus(log, clock, store);
    first.consume("test", { "contact.created": (event) => void seen.push(event.data.contactId) });
    await createContact(first, "Ada");
    await first.idle();
    expect(seen).toEqual([1]);

    // "Crash": a bus with no subscriber writes two more events; nobody handles them.
    const crashed = new EventBus(log, clock, store);
    await createContact(crashed, "Grace");
    await createContact(crashed, "Linus");

    const live: number[] = [];
    const restarted = new EventBus(log, clock, store);
    restarted.on("contact.created", (event) => void live.push(event.data.contactId));
    restarted.consume("test", { "contact.created": (event) => void seen.push(event.data.contactId) });
    restarted.catchUp();
    await restarted.idle();
    expect(seen).toEqual([1, 2, 3]);
    expect(live).toEqual([]);
  });

  it("a subscriber gets an announced event's data as the log holds it, even when the object changed after it was logged", async () => {
    const bus = new EventBus(log, clock, store);
    const got: unknown[] = [];
    bus.consume("copy", { "contact.created": (event) => void got.push(event.data) });
    const logged = { contactId: 0, extra: { when: new Date(0), left: undefined } };
    const event = await store.write(async (tx) => {
      const [row] = await tx.insert(contacts).values({ name: "Ada", createdAt: clock.now(), updatedAt: clock.now() }).returning();
      logged.contactId = row!.id;
      return bus.record(tx, "contact.created", logged as unknown as { contactId: number });
    });
    logged.contactId = 99; // the caller's object changes between the commit and the announcement
    bus.announce(event);
    await bus.idle();
    const [row] = await store.db.select({ data: domainEvents.data }).from(domainEvents).where(eq(domainEvents.seq, event.seq!));
    const asLogged = { contactId: 1, extra: { when: "1970-01-01T00:00:00.000Z" } };
    expect(typeof row!.data === "string" ? JSON.parse(row!.data) : row!.data).toEqual(asLogged);
    expect(got).toEqual([asLogged]);
  });

  it("a new subscriber starts at the end of the log", async () => {
    const bus = new EventBus(log, clock, store);
    await createContact(bus, "Ada");
    const seen: number[] = [];
    bus.consume("late", { "contact.created": (event) => void seen.push(event.data.contactId) });
    await createContact(bus, "Grace");
    await bus.idle();
    expect(seen).toEqual([2]);
  });

  it("retries a failing handler, then skips the event and goes on, counting the failure", async () => {
    const bus = new EventBus(log, clock, store);
    let calls = 0;
    const handled: number[] = [];
    bus.consume("flaky", {
      "contact.created": (event) => {
        calls++;
        if (event.data.contactId === 1) throw new Error("always fails");
        handled.push(event.data.contactId);
      },
    });
    await createContact(bus, "Ada");
    await createContact(bus, "Grace");
    await bus.idle();
    expect(calls).toBe(4);
    expect(handled).toEqual([2]);
    const { subscribers, failed } = await bus.lag();
    expect(failed).toBe(1);
    expect(subscribers).toEqual([{ subscriber: "flaky", position: 2, behind: 0, oldestAgeMs: 0 }]);
  });

  it("gives a subscriber's prepare its events of a batch before the handlers, and runs the handlers alone when it fails", async () => {
    // Both subscribers exist (their cursors at the log's start), then stop; four events are logged.
    const seen: string[] = [];
    const handled: number[] = [];
    const subscribe = (bus: EventBus) => {
      bus.consume(
        "ahead",
        { "contact.created": (event) => void seen.push(`handle ${event.data.contactId}`) },
        { prepare: (events) => void seen.push(`prepare ${events.map((e) => e.name).join(",")}`) },
      );
      bus.consume(
        "ahead-failing",
        { "contact.created": (event) => void handled.push(event.data.contactId) },
        {
          prepare: () => {
            throw new Error("cannot read ahead");
          },
        },
      );
    };
    const first = new EventBus(log, clock, store);
    subscribe(first);
    await first.idle();
    const writer = new EventBus(log, clock, store);
    for (const name of ["Ada", "Grace", "Edsger"]) await createContact(writer, name);
    await writer.publish("agent.availability_changed", { agentId: 1, availability: "away" });

    const restarted = new EventBus(log, clock, store);
    subscribe(restarted);
    restarted.catchUp();
    await restarted.idle();
    expect(seen).toEqual(["prepare contact.created,contact.created,contact.created", "handle 1", "handle 2", "handle 3"]);
    expect(handled).toEqual([1, 2, 3]);
  });

  it("gives a subscriber's batch its events of a batch together, a lone event to its handler, and a failed batch's events to the handlers", async () => {
    const seen: string[] = [];
    let failBatch = false;
    const subscribe = (bus: EventBus) =>
      bus.consume(
        "together",
        { "contact.created": (event) => void seen.push(`handle ${event.data.contactId}`) },
        {
          batch: async (events) => {
            if (failBatch) throw new Error("the batch's transaction failed");
            seen.push(`batch ${events.map((e) => (e.data as { contactId: number }).contactId).join(",")}`);
          },
        },
      );
    const first = new EventBus(log, clock, store);
    subscribe(first);
    await first.idle();
    const writer = new EventBus(log, clock, store);
    for (const name of ["Ada", "Grace", "Edsger"]) await createContact(writer, name);

    const restarted = new EventBus(log, clock, store);
    subscribe(restarted);
    restarted.catchUp();
    await restarted.idle();
    expect(seen).toEqual(["batch 1,2,3"]);

    await createContact(restarted, "Linus"); // alone: its handler
    await restarted.idle();
    expect(seen.slice(1)).toEqual(["handle 4"]);

    const again = new EventBus(log, clock, store);
    for (const name of ["Barbara", "Frances"]) await createContact(again, name);
    failBatch = true;
    const third = new EventBus(log, clock, store);
    subscribe(third);
    third.catchUp();
    await third.idle();
    expect(seen.slice(2)).toEqual(["handle 5", "handle 6"]);
    expect((await third.lag()).subscribers).toContainEqual(expect.objectContaining({ subscriber: "together", behind: 0 }));
  });

  it("writes a subscriber's cursor once for events handled close together, and at once when asked to be idle", async () => {
    // SQLite counts the cursor writes itself: each UPDATE of the row leaves its new position here.
    await store.client.executeMultiple(`
      CREATE TABLE cursor_writes (position INTEGER NOT NULL);
      CREATE TRIGGER count_cursor_writes AFTER UPDATE OF position ON event_cursors
      BEGIN INSERT INTO cursor_writes (position) VALUES (new.position); END;`);
    const writes = async () =>
      (await store.client.execute("SELECT position FROM cursor_writes ORDER BY rowid")).rows.map((r) => r.position);
    const bus = new EventBus(log, clock, store);
    const handled: number[] = [];
    bus.consume("counting", { "contact.created": (event) => void handled.push(event.data.contactId) });
    await bus.idle();
    // Ten changes, each committed alone and handled before the next: a cursor write each, before.
    for (let i = 1; i <= 10; i++) {
      await createContact(bus, `Customer ${i}`);
      await vi.waitFor(() => expect(handled).toHaveLength(i), { interval: 1, timeout: 5_000 });
    }
    await bus.idle();
    const positions = await writes();
    // One write (two or three if this machine took more than 200 ms for the loop), ending at the last event.
    expect(positions.length).toBeGreaterThanOrEqual(1);
    expect(positions.length).toBeLessThanOrEqual(3);
    expect(positions.at(-1)).toBe(10);
    expect((await bus.lag()).subscribers).toEqual([expect.objectContaining({ subscriber: "counting", position: 10, behind: 0 })]);
  });

  it("gives a batch at most 32 events a call, moving the cursor past each, so a failed call's events alone go to the handlers", async () => {
    const seen: string[] = [];
    let stopAt: number | undefined;
    const subscribe = (bus: EventBus) =>
      bus.consume(
        "sliced",
        { "contact.created": (event) => void seen.push(`handle ${event.data.contactId}`) },
        {
          batch: async (events) => {
            const ids = events.map((e) => (e.data as { contactId: number }).contactId);
            if (ids.includes(35)) throw new Error("the second call's transaction failed");
            if (stopAt !== undefined && ids.includes(stopAt)) bus.setDurable(false); // the lease is lost meanwhile
            seen.push(`batch ${ids[0]}-${ids.at(-1)}`);
          },
        },
      );
    const first = new EventBus(log, clock, store);
    subscribe(first);
    await first.idle();
    const writer = new EventBus(log, clock, store);
    for (let i = 1; i <= 40; i++) await createContact(writer, `C${i}`);

    const restarted = new EventBus(log, clock, store);
    subscribe(restarted);
    restarted.catchUp();
    await restarted.idle();
    expect(seen).toEqual(["batch 1-32", ...Array.from({ length: 8 }, (_, i) => `handle ${33 + i}`)]);

    // 70 more; the lease goes while the first call runs: the next process starts after it.
    for (let i = 41; i <= 110; i++) await createContact(writer, `C${i}`);
    seen.length = 0;
    stopAt = 41;
    const third = new EventBus(log, clock, store);
    subscribe(third);
    third.catchUp();
    await third.idle();
    expect(seen).toEqual(["batch 41-72"]);
    stopAt = undefined;
    const fourth = new EventBus(log, clock, store);
    subscribe(fourth);
    fourth.catchUp();
    await fourth.idle();
    expect(seen).toEqual(["batch 41-72", "batch 73-104", "batch 105-110"]);

    // A subscriber that says so gets more a call (as many as the bus reads at a time, 200, at most).
    const calls: number[] = [];
    const large = new EventBus(log, clock, store);
    large.consume(
      "large",
      { "contact.created": () => undefined },
      { batchSize: 500, batch: async (events) => void calls.push(events.length) },
    );
    await large.idle();
    for (let i = 111; i <= 360; i++) await createContact(writer, `C${i}`);
    const largeAgain = new EventBus(log, clock, store);
    largeAgain.consume(
      "large",
      { "contact.created": () => undefined },
      { batchSize: 500, batch: async (events) => void calls.push(events.length) },
    );
    largeAgain.catchUp();
    await largeAgain.idle();
    expect(calls).toEqual([200, 50]);
  });

  it("reports a subscriber's lag: events behind and the age of the oldest", async () => {
    const writer = new EventBus(log, clock, store);
    const reader = new EventBus(log, clock, store);
    reader.consume("slow", { "contact.created": () => {} });
    await reader.idle();
    await createContact(writer, "Ada");
    clock.advance(5_000);
    await createContact(writer, "Grace");
    clock.advance(1_000);
    expect((await reader.lag()).subscribers).toEqual([{ subscriber: "slow", position: 0, behind: 2, oldestAgeMs: 6_000 }]);
    await reader.idle();
    expect((await reader.lag()).subscribers[0]).toMatchObject({ position: 2, behind: 0 });
  });

  it("prunes old events only once every durable subscriber has handled them", async () => {
    const bus = new EventBus(log, clock, store);
    const holdBack = new EventBus(log, clock, store);
    holdBack.consume("behind", { "contact.created": () => {} });
    await holdBack.idle();
    await createContact(bus, "Ada");
    await createContact(bus, "Grace");
    clock.advance(10 * 3_600_000);
    // "behind" runs in another process (holdBack), which counts it as its own.
    const before = () => clock.now() - 3_600_000;
    expect(await pruneEvents(store, before(), ["behind"])).toBe(0);
    await holdBack.idle();
    await createContact(bus, "Linus");
    expect(await pruneEvents(store, before(), ["behind"])).toBe(2);
    expect((await store.db.select().from(domainEvents)).map((e) => e.name)).toEqual(["contact.created"]);
  });

  it("no longer lets a subscriber gone for good (no process runs it, its cursor idle past the retention) hold the log back", async () => {
    const gone = new EventBus(log, clock, store);
    gone.consume("removed-webhook", { "contact.created": () => {} });
    await gone.idle();
    const bus = new EventBus(log, clock, store);
    bus.consume("live", { "contact.created": () => {} });
    await createContact(bus, "Ada");
    await bus.idle();
    clock.advance(30 * 60_000);
    // Within the retention its cursor still counts: it may be another process's.
    expect(await bus.prune(3_600_000)).toBe(0);
    clock.advance(2 * 3_600_000);
    expect(await bus.prune(3_600_000)).toBe(1);
  });

  it("replays logged events after a position, oldest first, and keeps typing out of the log", async () => {
    const bus = new EventBus(log, clock, store);
    const a = await createContact(bus, "Ada");
    const typing = await bus.publish("typing", { conversationId: 1, who: "contact" });
    const b = await createContact(bus, "Grace");
    expect(typing.seq).toBeUndefined();
    expect((await bus.replay(0, 10)).map((e) => e.seq)).toEqual([a.seq, b.seq]);
    expect((await bus.replay(a.seq!, 10)).map((e) => e.data)).toEqual([{ contactId: 2 }]);
  });

  it("logs several events of one change in one statement, in the order given, and hands them back with their positions", async () => {
    const bus = new EventBus(log, clock, store);
    const before = await createContact(bus, "Ada");
    let statements = 0;
    const events = await store.write(async (tx) => {
      const session = (tx as unknown as { session: { tx: { execute: (...args: unknown[]) => unknown } } }).session.tx;
      const execute = session.execute.bind(session);
      session.execute = (...args: unknown[]) => {
        statements++;
        return execute(...args);
      };
      return bus.recordAll(tx, [
        { name: "contact.created", data: { contactId: 2 } },
        { name: "conversation.created", data: { conversationId: 5, contactId: 2, inbox: "shop", channel: "api" } },
        { name: "contact.enriched", data: { contactId: 2, plugins: ["crm"] } },
      ]);
    });
    expect(statements).toBe(1);
    expect(events.map((e) => e.seq)).toEqual([before.seq! + 1, before.seq! + 2, before.seq! + 3]);
    const logged = await bus.replay(before.seq!, 10);
    expect(logged.map((e) => [e.seq, e.name, e.data])).toEqual(events.map((e) => [e.seq, e.name, e.data]));
    expect(logged.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await store.write((tx) => bus.recordAll(tx, []))).toEqual([]);
  });

  it("hands back the positions the log gave, when writes share a group commit and one of them fails", async () => {
    const bus = new EventBus(log, clock, store);
    const before = await createContact(bus, "Ada");
    const writes = [10, 11, 12, 13].map((contactId) =>
      store.write(async (tx) => {
        const events = await bus.recordAll(tx, [
          { name: "contact.created", data: { contactId } },
          { name: "contact.enriched", data: { contactId, plugins: ["crm"] } },
        ]);
        if (contactId === 11) throw new Error("this write fails after logging");
        return events;
      }),
    );
    const settled = await Promise.allSettled(writes);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const handed = settled.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
    const logged = await bus.replay(before.seq!, 20);
    expect(logged.map((e) => [e.seq, e.name, e.data])).toEqual(handed.map((e) => [e.seq, e.name, e.data]));
  });

  it("takes events announced here from memory, and reads the log for what it did not announce, or forgot", async () => {
    const bus = new EventBus(log, clock, store);
    const elsewhere = new EventBus(log, clock, store);
    const handled: number[] = [];
    bus.consume("counting", { "contact.created": (event) => void handled.push(event.data.contactId) });
    bus.catchUp();
    await bus.idle();
    const logReads = () => reads;
    let reads = 0;
    const client = store.client as unknown as { execute: (...args: unknown[]) => Promise<unknown> };
    const execute = client.execute.bind(client);
    client.execute = (...args) => {
      const sql = String((args[0] as { sql?: string }).sql ?? args[0]);
      if (/from "domain_events"/.test(sql)) reads++;
      return execute(...args);
    };

    // Announced here: handled from memory, in order, with the data as the log keeps it.
    const announced = [await createContact(bus, "Ada"), await createContact(bus, "Bob")];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handled).toEqual(announced.map((e) => (e as SwitchboardEvent<"contact.created">).data.contactId));
    expect(logReads()).toBe(0);

    // Logged elsewhere (another process, the CLI): a hole in memory, so the next wake reads the log.
    const theirs = await createContact(elsewhere, "Cy");
    const mine = await createContact(bus, "Dee");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handled.slice(2)).toEqual([theirs, mine].map((e) => (e as SwitchboardEvent<"contact.created">).data.contactId));
    expect(logReads()).toBeGreaterThan(0);

    // Erased from the log while the subscriber was paused: not served from memory either.
    bus.setDurable(false);
    const erased = await store.write((tx) => bus.record(tx, "contact.created", { contactId: 999 }));
    bus.announce(erased);
    await store.write((tx) => tx.delete(domainEvents).where(eq(domainEvents.seq, erased.seq!)));
    bus.forget([erased.seq!]);
    bus.setDurable(true);
    await bus.idle();
    expect(handled).not.toContain(999);
  });
});
