// The loop-delay sampler on real timers: a thread held busy is reported as one stall, with the work
// that was counted just before it (the labels the store, the durable subscribers, the job queue and
// the search index note), which is what the server logs at debug level and bench:ingest lists.
import { expect, it } from "vitest";
import { type Stall, sampleLoopDelay } from "./loop-delay.ts";
import { noteWork } from "./work.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("reports a thread held for 80 ms as a stall, with the work counted before it", async () => {
  const stalls: Stall[] = [];
  const delays: number[] = [];
  const stop = sampleLoopDelay({
    observe: (seconds) => delays.push(seconds),
    onStall: (stall) => stalls.push(stall),
    intervalMs: 5,
    stallMs: 40,
  });
  try {
    await sleep(30);
    noteWork("jobs.test-kind", 3);
    noteWork("search.indexed_messages", 500);
    const until = performance.now() + 80;
    while (performance.now() < until) {
      // hold the thread, as a long synchronous piece of work would
    }
    await sleep(30);
  } finally {
    stop();
  }
  const held = stalls.filter((stall) => stall.work["jobs.test-kind"] !== undefined);
  expect(held).toHaveLength(1);
  expect(held[0]!.delayMs).toBeGreaterThanOrEqual(40);
  expect(held[0]!.work).toMatchObject({ "jobs.test-kind": 3, "search.indexed_messages": 500 });
  expect(Math.max(...delays) * 1000).toBeGreaterThanOrEqual(40);
});
