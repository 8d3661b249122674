// The event-loop delay histogram on GET /metrics and the stall log: a thread kept busy for 120 ms
// shows up as a sample above 50 ms, and the stall's log line names the work counted during it.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log/index.ts";
import { noteWork } from "../perf/work.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { waitFor } from "../testing/wait.ts";

let harness: Harness;
afterEach(async () => harness?.close());

/** The histogram's cumulative count at bucket `le`. */
const bucket = (text: string, le: string) =>
  Number(
    new RegExp(`^switchboard_event_loop_delay_seconds_bucket\\{le="${le.replace(/[+.]/g, "\\$&")}"\\} (\\d+)$`, "m").exec(text)?.[1] ??
      Number.NaN,
  );

describe("event-loop delay", () => {
  it("is a histogram on /metrics that sees a busy thread, and each stall is logged with the work that ran", async () => {
    const lines: { msg?: string; stallMs?: number; work?: Record<string, number> }[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    harness = await createTestHarness({ log: createLogger({ level: "debug", destination }) });
    // Let the sampler take a few samples first.
    await waitFor(async () => bucket(await (await harness.request("/metrics")).text(), "+Inf") >= 3);
    const before = await (await harness.request("/metrics")).text();
    const slowBefore = bucket(before, "+Inf") - bucket(before, "0.05");

    noteWork("test.busy_loop");
    const start = performance.now();
    while (performance.now() - start < 120) {
      // keep the one JavaScript thread busy
    }
    const stall = await waitFor(() => lines.find((line) => line.msg === "event loop stalled" && line.work?.["test.busy_loop"]));
    expect(stall.stallMs).toBeGreaterThanOrEqual(100);

    const after = await (await harness.request("/metrics")).text();
    expect(after).toMatch(/^# TYPE switchboard_event_loop_delay_seconds histogram$/m);
    expect(bucket(after, "+Inf") - bucket(after, "0.05")).toBeGreaterThan(slowBefore);
  });
});
