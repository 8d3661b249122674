/**
 * The cluster's event window (what sign-in throttling counts failures in) on a real Redis (Debian's
 * redis-server on loopback), between two clusters standing for two processes: events added on one
 * are seen by the other, they leave the window as the caller's clock moves on, a clear clears for
 * both; while Redis is down each process counts alone in its memory (still refusing), and once
 * Redis is back the shared count resumes.
 */
import { expect, test } from "vitest";
import { useRedisClusters } from "../fixtures/redis.ts";
import { poll } from "../fixtures/server-process.ts";

const WINDOW_MS = 60_000;
const clusters = useRedisClusters({ prefix: "window-test:", leaseMs: 3_000 });
const cluster = clusters.cluster;
const redis = () => clusters.server();

test("an event window counts across two processes, slides with the clock, and counts alone while Redis is down", {
  timeout: 30_000,
}, async () => {
  const [a, b] = [cluster("a"), cluster("b")];
  await poll(async () => a.status().redis === "connected" && b.status().redis === "connected", Boolean, 5_000);
  const [onA, onB] = [a.eventWindow("failures", WINDOW_MS), b.eventWindow("failures", WINDOW_MS)];
  const t0 = 1_700_000_000_000;

  await onA.add("ip:203.0.113.7", t0);
  await onB.add("ip:203.0.113.7", t0 + 1_000);
  await onA.add("ip:198.51.100.1", t0 + 1_000);
  expect(await onB.times("ip:203.0.113.7", t0 + 2_000)).toEqual([t0, t0 + 1_000]);
  expect(await onA.times("ip:203.0.113.7", t0 + 2_000)).toEqual([t0, t0 + 1_000]);
  // The first event leaves the window once the clock is past it by the window's length.
  expect(await onA.times("ip:203.0.113.7", t0 + WINDOW_MS)).toEqual([t0 + 1_000]);
  // A clear on one process clears for both; other keys keep theirs.
  await onB.clear("ip:203.0.113.7");
  expect(await onA.times("ip:203.0.113.7", t0 + 2_000)).toEqual([]);
  expect(await onA.times("ip:198.51.100.1", t0 + 2_000)).toEqual([t0 + 1_000]);
  // Two windows of other names do not see each other's events.
  expect(await a.eventWindow("other", WINDOW_MS).times("ip:198.51.100.1", t0 + 2_000)).toEqual([]);

  // Redis goes away: each process counts in its own memory, and still refuses past a limit.
  await redis().stop();
  await poll(
    async () => a.status().redis,
    (state) => state === "down",
    5_000,
  );
  await onA.add("pair:x", t0 + 3_000);
  await onA.add("pair:x", t0 + 4_000);
  expect(await onA.times("pair:x", t0 + 5_000)).toEqual([t0 + 3_000, t0 + 4_000]);
  expect(await onB.times("pair:x", t0 + 5_000)).toEqual([]);

  // Redis is back (empty): the count is shared again.
  await redis().start();
  await poll(async () => a.status().redis === "connected" && b.status().redis === "connected", Boolean, 10_000);
  await onB.add("pair:y", t0 + 6_000);
  expect(await onA.times("pair:y", t0 + 7_000)).toEqual([t0 + 6_000]);
});
