/**
 * docs/benchmarks.md is shared by every benchmark: each writes only its own section, between
 * `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, so running one never erases another's numbers.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

export const BENCHMARKS_FILE = new URL("../docs/benchmarks.md", import.meta.url).pathname;

const HEADER = "# Benchmarks\n\nEach section is written by the command it names; do not edit a section by hand, run its command again.\n";

/**
 * Replaces (or appends) the section `id` of docs/benchmarks.md.
 *
 * @example
 * writeSection("email", "## Email ingest\n\n| ... |");
 */
export function writeSection(id: string, markdown: string, file = BENCHMARKS_FILE): void {
  const current = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + close.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/**
 * The JavaScriptCore options set in the environment (`BUN_JSC_*`), when any: they size the heap's
 * growth, so the peak resident size under load moves with them (issue 22). A server that
 * `switchboard start` runs adds its own (core/src/cli/engine-options.ts) only where these leave them unset.
 */
function engineOptionsSet(): string {
  const set = Object.entries(process.env)
    .filter(([name]) => name.startsWith("BUN_JSC_"))
    .map(([name, value]) =>
      name === "BUN_JSC_forceRAMSize" ? `${name}=${value} (${(Number(value) / 2 ** 30).toFixed(1)} GiB)` : `${name}=${value}`,
    );
  return set.length > 0 ? `, JavaScriptCore options from the environment: ${set.join(", ")}` : "";
}

/** One line describing the machine a benchmark ran on. */
export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory${engineOptionsSet()}, Bun ${Bun.version}; load average ${load} when it ran (a shared machine: noisy upper bounds).`;
}
