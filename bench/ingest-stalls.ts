/**
 * The longest event-loop stalls in a Switchboard log, with the work that ran during each: the
 * server logs "event loop stalled" lines (core/src/http/metrics.ts: from 250 ms at the default level,
 * from 20 ms with SWITCHBOARD_LOG_LEVEL=debug). The HTTP benchmarks keep the server's log in their
 * working folder (switchboard.log, printed as "Working in ..."); bench/ingest-cpu.ts prints the
 * stalls of an in-process run itself.
 *
 *   bun bench/ingest-stalls.ts <switchboard.log> [--top 10]
 */
import { readFileSync } from "node:fs";

export interface LoggedStall {
  stallMs: number;
  work: Record<string, number>;
  time: number;
}

/**
 * The "event loop stalled" lines of a JSON log (one object a line), longest first. A line may start
 * with a piece of JavaScriptCore's GC log (`BUN_JSC_logGC=1`, bench/ingest.ts), which writes a
 * collection's start and end as separate pieces on the same stream: the object starts at its first "{".
 *
 * @example
 * for (const s of stallsIn(readFileSync(file, "utf8")).slice(0, 10)) console.log(s.stallMs, s.work);
 */
export function stallsIn(log: string): LoggedStall[] {
  const stalls: LoggedStall[] = [];
  for (const line of log.split("\n")) {
    if (!line.includes('"event loop stalled"')) continue;
    const entry = JSON.parse(line.slice(line.indexOf("{"))) as { stallMs: number; work?: Record<string, number>; time: number };
    stalls.push({ stallMs: entry.stallMs, work: entry.work ?? {}, time: entry.time });
  }
  return stalls.sort((a, b) => b.stallMs - a.stallMs);
}

if (import.meta.main) {
  const [file] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (!file) throw new Error("Usage: bun bench/ingest-stalls.ts <switchboard.log> [--top 10]");
  const i = process.argv.indexOf("--top");
  const top = i >= 0 ? Number(process.argv[i + 1]) : 10;
  const stalls = stallsIn(readFileSync(file, "utf8"));
  console.log(`${stalls.length} stalls logged; the longest:`);
  for (const s of stalls.slice(0, top)) console.log(`  ${s.stallMs} ms at ${new Date(s.time).toISOString()}: ${JSON.stringify(s.work)}`);
}
