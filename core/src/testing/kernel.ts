/**
 * `createTestKernel()`: the smallest Switchboard a domain test needs: a migrated store on a
 * temporary libSQL file, a manual clock, the event bus and the job queue, with no plugins, no
 * inboxes and no HTTP. Domain code takes `Pick<Services, ...>`, so a kernel is enough for most of it
 * and builds in a fraction of the time a whole harness takes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../clock.ts";
import { EventBus } from "../events/bus.ts";
import { JobQueue } from "../jobs/queue.ts";
import { createLogger, type Logger } from "../log/index.ts";
import type { Services } from "../services.ts";
import { openStore } from "../store/index.ts";

export interface TestKernel extends Pick<Services, "store" | "clock" | "bus" | "jobs" | "log"> {
  clock: ManualClock;
  /** The temporary folder holding the database. */
  dir: string;
  /** Runs due jobs (at the clock's time) until none are due, and waits for event handlers. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates a kernel. Always `await kernel.close()` when done.
 *
 * @example
 * import { createTestKernel } from "@switchboard/core/testing";
 *
 * const kernel = await createTestKernel();
 * defineSnoozeWakeUp(kernel);
 * await updateConversation(kernel, SYSTEM_ACTOR, conversationId, { status: "snoozed", snoozedUntil: kernel.clock.now() + 60_000 });
 * kernel.clock.advance(60_000);
 * await kernel.drain();
 * await kernel.close();
 */
export async function createTestKernel(options: { now?: number; log?: Logger } = {}): Promise<TestKernel> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-kernel-"));
  const store = await openStore({ url: `file:${join(dir, "switchboard.db")}` });
  await store.migrate();
  const clock = new ManualClock(options.now ?? Date.now());
  const log = options.log ?? createLogger({ level: "silent" });
  const bus = new EventBus(log, clock, store);
  const jobs = new JobQueue(store, clock, log);
  return {
    store,
    clock,
    bus,
    jobs,
    log,
    dir,
    async drain() {
      for (let round = 0; round < 100; round++) {
        await bus.idle();
        if ((await jobs.runDue()) === 0) break;
      }
      await bus.idle();
    },
    async close() {
      await jobs.stop();
      await bus.idle();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
