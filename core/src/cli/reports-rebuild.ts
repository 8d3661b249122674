/**
 * `switchboard reports rebuild`: recomputes every report sample and the hourly and daily rollups
 * from the raw rows (conversations, messages, surveys, SLA clocks), after a change of [reports] or
 * business hours, or to check the kept rollups. Safe while the server runs: the rebuild holds a
 * lease, the server's refreshes wait for it and run after (events that arrive meanwhile included),
 * and a second rebuild at the same time is refused with SWB_ERR_REPORTS_REBUILDING.
 */
import { rollupOptions } from "../reports/options.ts";
import { rebuildAll } from "../reports/rollups.ts";
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";

/**
 * Runs the command; prints what was rebuilt.
 *
 * @example
 * await reportsRebuildCommand({ config: "config/switchboard.toml" });
 */
export async function reportsRebuildCommand(options: { config?: string }, print: (line: string) => void = console.log): Promise<number> {
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    await store.migrate();
    const started = performance.now();
    const result = await rebuildAll(store, await rollupOptions(store.db, loaded.config));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    print(`Rebuilt reports from ${result.contacts} contacts: ${result.samples} samples, ${result.rollups} rollup rows (${seconds} s).`);
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
