/**
 * What every CLI command shares: where the config is, a logger for one-shot commands, opening the
 * configured store, and turning an error into a clear message and an exit code (no stack trace for
 * the errors Switchboard raises on purpose).
 */
import pino from "pino";
import { loadConfig } from "../config/load.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, SwitchboardError } from "../errors/index.ts";
import { createLogger, type Logger } from "../log/index.ts";
import { openStore, type Store } from "../store/index.ts";

export const DEFAULT_CONFIG_PATH = "config/switchboard.toml";

/** Exit codes: 0 fine, 1 a command failed, 2 the config is broken. */
export const ExitCode = { OK: 0, FAILED: 1, CONFIG: 2 } as const;

/** The config path: `--config`, else $SWITCHBOARD_CONFIG, else config/switchboard.toml (relative to the working directory). */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.SWITCHBOARD_CONFIG || DEFAULT_CONFIG_PATH);
}

/** Loads the config named by the global options. */
export function loadCliConfig(flag: string | undefined): Promise<LoadedConfig> {
  return loadConfig(configPath(flag));
}

/**
 * A logger for one-shot commands: JSON to stderr, so stdout stays the command's own output.
 * SWITCHBOARD_LOG_LEVEL overrides `level`.
 */
export function cliLogger(level = "warn"): Logger {
  return createLogger({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? level, destination: pino.destination({ fd: 2, sync: true }) });
}

/** Opens the store the config names (without migrating it). */
export function openConfiguredStore(loaded: LoadedConfig): Promise<Store> {
  const { url, auth_token: authToken } = loaded.config.store;
  return openStore({ url, authToken, baseDir: loaded.baseDir });
}

/**
 * Prints an error to stderr and returns the exit code: 2 for a config problem, 1 otherwise.
 * Errors Switchboard raises on purpose print as `error [SWB_ERR_…]: message`; anything else is a bug
 * and keeps its stack trace.
 */
export function reportError(error: unknown, write: (text: string) => void = (text) => process.stderr.write(text)): number {
  if (error instanceof SwitchboardError) {
    write(`error [${error.code}]: ${error.message}\n`);
    return error instanceof ConfigError ? ExitCode.CONFIG : ExitCode.FAILED;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(`unexpected error (please report it): ${detail}\n`);
  return ExitCode.FAILED;
}
