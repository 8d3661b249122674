/**
 * The JavaScriptCore options `switchboard start` runs the server with. The engine reads its options
 * from the environment once, when the process starts, so `start` re-executes itself once (the same
 * process id, runtime flags and arguments) with those the environment does not set yet. A value the
 * operator sets wins, whatever it is; on a platform without `process.execve` (Windows) the server
 * runs with Bun's defaults.
 *
 * `BUN_JSC_heapGrowthMaxIncrease=1` (issue 22): on a machine with 16 GB of memory or more, Bun's
 * engine lets the heap grow to about three times what survives a full collection before the next
 * (`heapGrowthMaxIncrease * e^(-heap/RAM) + 1`, with Bun's 2); below 16 GB it grows to twice. 1
 * gives a server on a large machine the smaller machine's twice. Under bench:ingest's load on a
 * 23.5 GiB machine the peak resident memory was 184-189 MB with it and 220-259 MB without (three
 * A/B pairs), at the same CPU per message; 0.5 cost 15-30% more CPU for no lower peak.
 * docs/deploy.md says how to change it.
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";

/** The variables and the values `start` sets when the environment does not. */
export const ENGINE_OPTIONS: Readonly<Record<string, string>> = { BUN_JSC_heapGrowthMaxIncrease: "1" };

/**
 * The engine options an environment lacks (empty when it sets them all, to any value).
 *
 * @example
 * missingEngineOptions({}); // { BUN_JSC_heapGrowthMaxIncrease: "1" }
 * missingEngineOptions({ BUN_JSC_heapGrowthMaxIncrease: "2" }); // {}
 */
export function missingEngineOptions(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(ENGINE_OPTIONS).filter(([name]) => env[name] === undefined));
}

/**
 * Re-executes this process with the engine options its environment lacks; returns without doing
 * anything when it has them all, or when the platform cannot replace a process (Windows). Call it
 * before loading anything else: on success it does not return.
 *
 * @example
 * restartWithEngineOptions(); // then import and start the server
 */
export function restartWithEngineOptions(): void {
  const missing = missingEngineOptions(process.env);
  if (Object.keys(missing).length === 0 || process.platform === "win32" || typeof process.execve !== "function") return;
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  try {
    process.execve(process.execPath, argv, { ...process.env, ...missing });
  } catch (error) {
    const settings = Object.entries(missing)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ");
    throw new SwitchboardError(
      ErrorCodes.ENGINE_OPTIONS,
      `Could not restart ${process.execPath} with ${settings}: ${(error as Error).message}. Set ${Object.keys(missing).join(", ")} in the environment yourself (any value; ${settings} is the one Switchboard uses) and start again.`,
      { missing },
      { cause: error },
    );
  }
}
