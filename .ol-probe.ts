import { mkdtempSync } from "node:fs";
import { startFloor } from "./bench/ingest-servers.ts";
import { atRate } from "./bench/ingest-measure.ts";
const dir = mkdtempSync("/tmp/olp-");
const floor = await startFloor(dir);
for (const rate of [250, 500, 1000]) {
  const c0 = process.cpuUsage();
  const r = await atRate({ name: "floor", server: floor }, { rate, seconds: 5, contactPool: 2000 });
  const c = process.cpuUsage(c0);
  console.log(rate, JSON.stringify({ p50: r.p50.toFixed(1), p99: r.p99.toFixed(1), max: r.max.toFixed(0), lag: r.maxSendLagMs.toFixed(1), inflight: r.maxInFlight, over: r.overloaded, ok: r.ok, failed: r.failed, clientCpuMsPerReq: ((c.user + c.system) / 1000 / r.sent).toFixed(3) }));
}
await floor.stop();
