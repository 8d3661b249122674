/**
 * Switchboard in the benchmark's own process, on a temp database with the benchmarks' config (the
 * API channel inbox they post to), without background workers: for the in-process measures
 * (bench/ingest-cpu.ts, bench/ingest-anatomy.ts, bench/ingest-garbage.ts), where the CPU, the
 * statements or the garbage of one process are counted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfigText } from "../core/src/config/load.ts";
import { createLogger } from "../core/src/log/index.ts";
import { createSwitchboard, type Switchboard } from "../core/src/switchboard.ts";
import { BENCH_INBOX, BENCH_SECRET, writeBenchConfig } from "./ingest-servers.ts";

export interface InProcess {
  sb: Switchboard;
  /** POSTs a body to the benchmark inbox's messages route; throws unless the answer's status is one `expected` (default: 201, stored). */
  post(body: string, expected?: readonly number[]): Promise<Response>;
  /** Stops Switchboard and deletes its temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts Switchboard in this process on a new temp database.
 *
 * @example
 * const { sb, post, stop } = await startInProcess("anatomy", "silent");
 * await post(apiMessage("run", 0, 20));
 * await stop();
 */
export async function startInProcess(label: string, logLevel = "warn"): Promise<InProcess> {
  const dir = mkdtempSync(join(tmpdir(), `switchboard-${label}-`));
  const file = writeBenchConfig({ dir }, 0);
  const sb = await createSwitchboard(parseConfigText(await Bun.file(file).text(), file, {}), {
    log: createLogger({ level: logLevel }),
    backgroundWorkers: false,
  });
  await sb.start();
  return {
    sb,
    async post(body, expected = [201]) {
      const response = await sb.app.request(`/webhooks/${BENCH_INBOX}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${BENCH_SECRET}`, "Content-Type": "application/json" },
        body,
      });
      if (!expected.includes(response.status))
        throw new Error(`The API channel answered ${response.status} (expected ${expected.join(" or ")}): ${await response.text()}`);
      return response;
    },
    async stop() {
      try {
        await sb.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
