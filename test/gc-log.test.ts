// bench/gc-log.ts reads the GC log of the Bun this project runs on: a child process with the log on
// makes a known amount of short-lived garbage between two marker lines, and the tally finds the
// collections and about that much allocated; another keeps a known live set through full
// collections, and the heap's cycle finds it (both fail if Bun changes the log's format).
import { describe, expect, it } from "vitest";
import { allocatedBytes, heapCycles, tallyCollections } from "../bench/gc-log.ts";

const MAKE_GARBAGE = `
console.error("=== from");
let kept = 0;
for (let i = 0; i < 200_000; i++) kept += new Array(128).fill(i).length; // about 200 MB of 1 KB arrays, none kept
console.error("=== to", kept);
`;

/** Runs a script in a child Bun with the GC log on; its stderr. */
async function gcLogOf(script: string): Promise<string> {
  const child = Bun.spawn([process.execPath, "-e", script], {
    env: { ...process.env, BUN_JSC_logGC: "1" },
    stdout: "ignore",
    stderr: "pipe",
  });
  const [log, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(code).toBe(0);
  return log;
}

// About 40 MB kept alive (10,000 strings of 4,000 bytes), and a ring of the last 20,000 arrays of
// 1 KB (about 21 MB) among a million made: the ring's arrays live long enough to be promoted, then
// die, so the runtime starts full collections of its own (Bun.gc would log them otherwise).
const KEEP_AND_CHURN = `
const kept = Array.from({ length: 10_000 }, (_, i) => String(i).padEnd(4000, "x"));
const ring = new Array(20_000);
for (let i = 0; i < 1_000_000; i++) ring[i % ring.length] = new Array(128).fill(i);
console.error("done", kept.length, ring.length);
`;

describe("the GC log tally", () => {
  it("sums what the collections between the markers freed", async () => {
    const log = await gcLogOf(MAKE_GARBAGE);
    const tally = tallyCollections(log, "=== from", "=== to");
    expect(tally.collections).toBeGreaterThan(2);
    // Allocation starts these collections, so each logs what was allocated since the one before.
    expect(tally.counted).toBeGreaterThan(2);
    // 200,000 arrays of 128 numbers: about 1 KB each, about 210 MB, give or take the first and the last
    // young generation; capacity less live counts the blocks' free space too, so it is the larger.
    const allocated = allocatedBytes(tally);
    expect(allocated).toBeGreaterThan(160 * 2 ** 20);
    expect(allocated).toBeLessThan(260 * 2 ** 20);
    expect(tally.freedBytes).toBeGreaterThanOrEqual(tally.countedFreedBytes);
    expect(allocated).toBeLessThanOrEqual(tally.freedBytes);
  }, 30_000);

  it("says so when the markers are missing", () => {
    expect(() => tallyCollections("[GC<0x1>: START M 100kb => EdenCollection => 50kb, p=1ms END]", "=== from", "=== to")).toThrow(
      /no lines "=== from" and "=== to"/,
    );
  });
});

describe("the heap's cycle", () => {
  it("finds the live heap after full collections and the capacity above it", async () => {
    const cycles = heapCycles(await gcLogOf(KEEP_AND_CHURN));
    expect(cycles.full).toBeGreaterThanOrEqual(2);
    expect(cycles.young).toBeGreaterThan(2);
    // Once both are made, a full collection finds about 61 MB alive (the first ones ran earlier, on less).
    const live = cycles.liveAfterFull ?? { min: 0, max: 0 };
    expect(live.max).toBeGreaterThan(55 * 2 ** 20);
    expect(live.max).toBeLessThan(90 * 2 ** 20);
    // Between full collections, young ones keep the ring's promoted arrays after they die.
    expect(cycles.largestAfterYoung).toBeGreaterThan(live.max);
    expect(cycles.largestCapacity).toBeGreaterThan(cycles.largestAfterYoung);
  }, 30_000);

  it("tells young collections from full ones", () => {
    const log = [
      "[GC<0x1>: START M 100kb => EdenCollection, a=0kb => 60kb, p=1ms]",
      "[GC<0x1>: START M 160kb => FullCollection, a=0kb",
      '{"level":30,"msg":"a log line between"}',
      "[GC<0x1>: M a=0kb => 40kb, p=2ms]",
      "[GC<0x1>: START M 90kb => EdenCollection, a=0kb => 70kb, p=1ms]",
    ].join("\n");
    expect(heapCycles(log)).toEqual({
      young: 2,
      full: 1,
      liveAfterFull: { min: 40 * 1024, max: 40 * 1024 },
      largestAfterYoung: 70 * 1024,
      largestCapacity: 160 * 1024,
    });
    expect(heapCycles("no collections here").liveAfterFull).toBeUndefined();
  });
});
