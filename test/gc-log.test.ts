// bench/gc-log.ts reads the GC log of the Bun this project runs on: a child process with the log on
// makes a known amount of short-lived garbage between two marker lines, and the tally finds the
// collections and about that much allocated (it fails if Bun changes the log's format).
import { describe, expect, it } from "vitest";
import { allocatedBytes, tallyCollections } from "../bench/gc-log.ts";

const MAKE_GARBAGE = `
console.error("=== from");
let kept = 0;
for (let i = 0; i < 200_000; i++) kept += new Array(128).fill(i).length; // about 200 MB of 1 KB arrays, none kept
console.error("=== to", kept);
`;

describe("the GC log tally", () => {
  it("sums what the collections between the markers freed", async () => {
    const child = Bun.spawn([process.execPath, "-e", MAKE_GARBAGE], {
      env: { ...process.env, BUN_JSC_logGC: "1" },
      stdout: "ignore",
      stderr: "pipe",
    });
    const [log, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(0);
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
