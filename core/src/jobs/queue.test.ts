// Durable jobs on a real libSQL file: surviving a killed process, atomic claims across two queues,
// retries with backoff, replacement by key, and lapsed claims of crashed workers.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../clock.ts";
import { createLogger } from "../log/index.ts";
import { workTotals } from "../perf/work.ts";
import { openStore, type Store } from "../store/index.ts";
import { jobs } from "../store/schema.ts";
import { waitFor } from "../testing/wait.ts";
import { DELETE_OURS, JobQueue } from "./queue.ts";

const log = createLogger({ level: "silent" });
const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function freshStore(path = join(mkdtempSync(join(tmpdir(), "swb-jobs-")), "db.sqlite")) {
  const store = await openStore({ url: `file:${path}` });
  await store.migrate();
  stores.push(store);
  return { store, path };
}

describe("durable jobs", () => {
  it("survive a process killed with SIGKILL and run in the next process when due", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "swb-jobs-")), "db.sqlite");
    const child = Bun.spawn([process.execPath, fileURLToPath(new URL("./fixtures/schedule-then-hang.ts", import.meta.url)), path], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("scheduled");
    child.kill("SIGKILL");
    await child.exited;

    const { store } = await freshStore(path);
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    const ran: unknown[] = [];
    queue.define("reminder", (payload) => void ran.push(payload));
    expect(await queue.runDue()).toBe(0);
    clock.advance(61_000);
    const counted = workTotals()["jobs.reminder"] ?? 0;
    expect(await queue.runDue()).toBe(1);
    expect(ran).toEqual([{ conversationId: 7 }]);
    // Counted as work by kind, so a stall logged while it ran names it (perf/work.ts).
    expect((workTotals()["jobs.reminder"] ?? 0) - counted).toBe(1);
    clock.advance(60_000);
    await queue.runDue();
    expect(ran).toEqual([{ conversationId: 7 }, { conversationId: 8 }]);
    expect(await store.db.select().from(jobs)).toHaveLength(0);
  });

  it("runs each job once when two processes work on the same database", async () => {
    const { store, path } = await freshStore();
    const queue = new JobQueue(store, new ManualClock(Date.now() - 1000), log);
    for (let i = 0; i < 60; i++) await queue.schedule("work", { i });
    const worker = fileURLToPath(new URL("./fixtures/run-due.ts", import.meta.url));
    const children = [0, 1].map(() => Bun.spawn([process.execPath, worker, path], { stdout: "pipe", stderr: "inherit" }));
    const outputs = await Promise.all(
      children.map(async (child) => (await new Response(child.stdout).text()).trim().split("\n").filter(Boolean)),
    );
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0]);
    const ran = outputs.flat().map((line) => Number(line.replace("ran ", "")));
    expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(outputs.every((lines) => lines.length > 0)).toBe(true);
  });

  it("retries a failing job with backoff, then marks it failed with the error", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    let calls = 0;
    queue.define("flaky", () => {
      calls++;
      throw new Error(`attempt ${calls} failed`);
    });
    const id = await queue.schedule("flaky", {}, { maxAttempts: 3 });
    await queue.runDue();
    let [row] = await store.db.select().from(jobs).where(eq(jobs.id, id));
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "attempt 1 failed" });
    expect(row!.dueAt - clock.now()).toBeGreaterThanOrEqual(800);
    await queue.runDue();
    expect(calls).toBe(1);
    clock.advance(5_000);
    await queue.runDue();
    clock.advance(10_000);
    await queue.runDue();
    [row] = await store.db.select().from(jobs).where(eq(jobs.id, id));
    expect(calls).toBe(3);
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "attempt 3 failed" });
  });

  it("replaces a pending job scheduled again with the same key, and cancels by key", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    const ran: unknown[] = [];
    queue.define("snooze", (payload) => void ran.push(payload));
    await queue.schedule("snooze", { v: 1 }, { delayMs: 1000, key: "c1" });
    await queue.schedule("snooze", { v: 2 }, { delayMs: 5000, key: "c1" });
    await queue.schedule("snooze", { v: 3 }, { delayMs: 1000, key: "c2" });
    expect(await queue.cancel("c2")).toBe(true);
    expect(await queue.cancel("c2")).toBe(false);
    clock.advance(2000);
    await queue.runDue();
    expect(ran).toEqual([]);
    clock.advance(3000);
    await queue.runDue();
    expect(ran).toEqual([{ v: 2 }]);
  });

  it("schedules several jobs in one statement as schedule does each: a key replaces its pending job, the rest run when due", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    const ran: unknown[] = [];
    queue.define("timer", (payload) => void ran.push(payload));
    await queue.schedule("timer", { v: "old" }, { delayMs: 1000, key: "t:1" });
    const ids = await store.write((tx) =>
      queue.scheduleMany(
        [
          { kind: "timer", payload: { v: "replaced" }, options: { delayMs: 3000, key: "t:1" } },
          { kind: "timer", payload: { v: "keyless", nested: [1, 2] }, options: { delayMs: 2000 } },
          { kind: "timer", payload: { v: "later" }, options: { at: clock.now() + 10_000, key: "t:2", maxAttempts: 2 } },
        ],
        tx,
      ),
    );
    expect(new Set(ids).size).toBe(3);
    const rows = await store.db.select().from(jobs);
    expect(rows.map((r) => [r.key, r.payload, r.dueAt - clock.now(), r.maxAttempts]).sort()).toEqual(
      [
        ["t:1", { v: "replaced" }, 3000, 5],
        [null, { v: "keyless", nested: [1, 2] }, 2000, 5],
        ["t:2", { v: "later" }, 10_000, 2],
      ].sort(),
    );
    expect(await queue.scheduleMany([])).toEqual([]);
    clock.advance(3000);
    await queue.runDue();
    expect(ran).toHaveLength(2);
    expect(ran).toEqual(expect.arrayContaining([{ v: "keyless", nested: [1, 2] }, { v: "replaced" }]));
  });

  it("schedules more jobs than one statement takes in one write, and says which keys wait", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    const entries = Array.from({ length: 70 }, (_, i) => ({ kind: "timer", payload: { i }, options: { delayMs: 1000, key: `k:${i}` } }));
    const ids = await queue.scheduleMany(entries);
    expect(new Set(ids).size).toBe(70);
    const rows = await store.db.select().from(jobs);
    expect(rows.map((r) => (r.payload as { i: number }).i).sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
    expect(rows.every((r) => r.key === `k:${(r.payload as { i: number }).i}`)).toBe(true);
    await store.write((tx) => tx.update(jobs).set({ status: "done" }).where(eq(jobs.key, "k:3")));
    expect(await queue.pendingAmong(["k:2", "k:3", "k:69", "missing"])).toEqual(new Set(["k:2", "k:69"]));
    expect(await queue.pendingAmong([])).toEqual(new Set());
    // Found by key, not among every pending job (SQLite chose the status index when given the choice).
    type Statement = { sql: string; args?: unknown };
    const client = store.client as unknown as { execute: (statement: Statement | string) => Promise<{ rows: { detail: unknown }[] }> };
    const execute = client.execute.bind(client);
    let asked: Statement | undefined;
    client.execute = (statement) => {
      if (typeof statement !== "string") asked = statement;
      return execute(statement);
    };
    await queue.pendingAmong(["k:2"]);
    client.execute = execute;
    const plan = await execute({ sql: `EXPLAIN QUERY PLAN ${asked!.sql}`, args: asked!.args });
    expect(plan.rows.map((row) => String(row.detail))).toContainEqual(
      expect.stringMatching(/^SEARCH jobs USING INDEX jobs_key_unique \(key=\?\)/),
    );
  });

  it("runs again a job whose worker crashed mid-run once its claim lapses", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log, { leaseMs: 10_000 });
    const ran: unknown[] = [];
    queue.define("sla", (payload) => void ran.push(payload));
    const id = await queue.schedule("sla", { c: 1 });
    await store.write((tx) =>
      tx
        .update(jobs)
        .set({ status: "running", attempts: 1, claimedUntil: clock.now() + 10_000 })
        .where(eq(jobs.id, id)),
    );
    await queue.runDue();
    expect(ran).toEqual([]);
    clock.advance(10_001);
    await queue.runDue();
    expect(ran).toEqual([{ c: 1 }]);
  });

  it("keeps a long job's lease alive while it runs, and another worker takes it over within one lease once its holder is killed", async () => {
    const { store, path } = await freshStore();
    const leaseMs = 600;
    const queue = new JobQueue(store, systemClock, log, { leaseMs });
    let ran = 0;
    queue.define("long", () => void ran++);
    await queue.schedule("long", {});
    const holder = Bun.spawn(
      [process.execPath, fileURLToPath(new URL("./fixtures/claim-then-hang.ts", import.meta.url)), path, `${leaseMs}`],
      {
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    try {
      const { value } = await holder.stdout.getReader().read();
      expect(new TextDecoder().decode(value)).toContain("running");
      // Three leases long, the holder renews its claim: no other worker runs the job meanwhile.
      const until = Date.now() + 3 * leaseMs;
      while (Date.now() < until) {
        expect(await queue.runDue()).toBe(0);
        await Bun.sleep(50);
      }
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
    const killedAt = Date.now();
    while (ran === 0 && Date.now() - killedAt < 5000) {
      await queue.runDue();
      await Bun.sleep(20);
    }
    expect(ran).toBe(1);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(leaseMs + 300);
    expect(await store.db.select().from(jobs)).toHaveLength(0);
  });

  it("lets a worker whose job was taken over neither delete nor reschedule it", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const slow = new JobQueue(store, clock, log, { leaseMs: 10_000 });
    const other = new JobQueue(store, clock, log, { leaseMs: 10_000 });
    const releases: (() => void)[] = [];
    const hang = () => new Promise<void>((resolve) => releases.push(resolve));
    slow.define("report", hang);
    other.define("report", hang);
    await slow.schedule("report", {});
    const first = slow.runDue();
    await waitFor(() => releases.length === 1);
    clock.advance(10_001);
    const second = other.runDue();
    await waitFor(() => releases.length === 2);
    releases[0]!();
    await first;
    // The first holder finished after losing its claim: the job stays with the worker that took it over.
    expect(await store.db.select().from(jobs)).toMatchObject([{ status: "running", attempts: 2 }]);
    releases[1]!();
    await second;
    expect(await store.db.select().from(jobs)).toHaveLength(0);
  });

  it("runs due jobs of a batch kind together, at most `max` a call, and retries a failed batch as a whole", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    const calls: number[][] = [];
    let failNext = false;
    queue.defineBatch(
      "refresh",
      async (due) => {
        calls.push(due.map((job) => (job.payload as { n: number }).n));
        if (failNext) {
          failNext = false;
          throw new Error("the batch failed");
        }
      },
      { max: 4 },
    );
    const single: unknown[] = [];
    queue.define("single", (payload) => void single.push(payload));
    for (let n = 0; n < 10; n++) await queue.schedule("refresh", { n });
    await queue.schedule("single", { n: 99 });
    expect(await queue.runDue()).toBe(11);
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(calls.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(single).toEqual([{ n: 99 }]);
    expect(await store.db.select().from(jobs)).toHaveLength(0);

    calls.length = 0;
    failNext = true;
    for (let n = 0; n < 3; n++) await queue.schedule("refresh", { n });
    await queue.runDue();
    const failed = await store.db.select().from(jobs);
    expect(failed).toHaveLength(3);
    expect(failed.every((job) => job.status === "pending" && job.attempts === 1 && job.lastError === "the batch failed")).toBe(true);
    clock.advance(5_000);
    await queue.runDue();
    expect(calls).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(await store.db.select().from(jobs)).toHaveLength(0);
  });

  it("works off more due jobs than one claim takes without waiting for the next poll", async () => {
    const { store } = await freshStore();
    // A poll a minute: only going again at once after a full claim of 50 runs all 120 now.
    const queue = new JobQueue(store, systemClock, log, { pollMs: 60_000 });
    let ran = 0;
    queue.define("many", () => void ran++);
    for (let n = 0; n < 120; n++) await queue.schedule("many", { n });
    queue.start();
    try {
      // Each job's row goes in a write after its handler ran: wait for the rows, then count the runs.
      await waitFor(async () => ran >= 120 && (await store.db.select().from(jobs)).length === 0);
      expect(ran).toBe(120);
    } finally {
      await queue.stop();
    }
  });

  it("leaves alone the kinds this process has no handler for", async () => {
    const { store } = await freshStore();
    const clock = new ManualClock(Date.now());
    const queue = new JobQueue(store, clock, log);
    queue.define("mine", () => {});
    await queue.schedule("theirs", {});
    expect(await queue.runDue()).toBe(0);
    expect(await store.db.select().from(jobs)).toHaveLength(1);
    expect(() => queue.define("mine", () => {})).toThrow(/already defined/);
  });

  it("finds the claims it deletes by id, not through every running job", async () => {
    const { store } = await freshStore();
    const plan = (await store.client.execute({ sql: `EXPLAIN QUERY PLAN ${DELETE_OURS}`, args: ["[[1, 1]]"] })).rows.map((row) =>
      String(row.detail),
    );
    expect(plan[0]).toMatch(/^SEARCH jobs USING INTEGER PRIMARY KEY/);
  });
});
