/**
 * Seeded databases for the growth and footprint benchmarks, kept between runs: one file per size
 * in a cache folder (default /tmp/switchboard-bench-data; delete it to seed again), built with
 * bench/seed.ts in the inbox benchmark's proportions (per message: 0.1 conversations and 0.3
 * contacts; 1M messages = 100k conversations and 300k contacts). Benchmarks that write get a copy.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { seed } from "./seed.ts";

export const DEFAULT_DATA_DIR = "/tmp/switchboard-bench-data";

/** The seeded database for `messages` messages, seeding it first if the cache lacks it. */
export async function seededDatabase(
  messages: number,
  dataDir = DEFAULT_DATA_DIR,
  log: (line: string) => void = console.log,
): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `messages-${messages}.db`);
  if (existsSync(file)) return file;
  const building = `${file}.building`;
  log(`Seeding ${messages} messages into ${file} (once; later runs reuse it) ...`);
  const result = await seed({
    file: building,
    messages,
    conversations: Math.round(messages / 10),
    contacts: Math.round(messages * 0.3),
    log,
  });
  renameSync(building, file);
  for (const suffix of ["-wal", "-shm"]) rmSync(building + suffix, { force: true });
  log(`Seeded in ${(result.timings.total! / 1000).toFixed(1)} s.`);
  return file;
}

/** A copy of a seeded database in `dir`, for a benchmark that writes to it. */
export function workingCopy(file: string, dir: string): string {
  const copy = join(dir, "bench.db");
  copyFileSync(file, copy);
  return copy;
}
