/**
 * `switchboard backup <dest>`: a consistent copy of the embedded database, taken with SQLite's
 * `VACUUM INTO` through its own connection, so it is safe while the server runs (WAL readers do not
 * block the writer). A remote libSQL server (sqld, Turso) is backed up by its own tooling.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { resolveStoreUrl } from "../store/index.ts";
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { formatBytes } from "./output.ts";

export async function backupCommand(
  dest: string,
  options: { config?: string },
  print: (line: string) => void = console.log,
): Promise<number> {
  const loaded = await loadCliConfig(options.config);
  const { filePath } = resolveStoreUrl(loaded.config.store.url, loaded.baseDir);
  if (!filePath) {
    throw new SwitchboardError(
      ErrorCodes.STORE,
      `store.url in ${loaded.file} points to a remote libSQL server; back it up with that server's own tools (sqld snapshots and bottomless replication, or Turso's point-in-time restore). \`switchboard backup\` copies embedded file databases only.`,
    );
  }
  if (!existsSync(filePath)) {
    throw new SwitchboardError(
      ErrorCodes.NOT_FOUND,
      `There is no database at ${filePath} yet (store.url in ${loaded.file}). Start Switchboard once, or run \`switchboard migrate\`, to create it.`,
    );
  }
  const target = resolve(dest);
  if (existsSync(target)) {
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      `${target} already exists. Choose a new file name (backups never overwrite), e.g. switchboard-$(date +%F).db.`,
    );
  }
  if (!existsSync(dirname(target))) {
    throw new SwitchboardError(
      ErrorCodes.NOT_FOUND,
      `The folder ${dirname(target)} does not exist. Create it first (mkdir -p ${dirname(target)}).`,
    );
  }
  const store = await openConfiguredStore(loaded);
  try {
    await store.client.execute({ sql: "VACUUM INTO ?", args: [target] });
  } catch (error) {
    throw new SwitchboardError(
      ErrorCodes.STORE,
      `The backup to ${target} failed: ${(error as Error).message}. Check that the folder is writable and has space.`,
      {},
      { cause: error },
    );
  } finally {
    store.close();
  }
  print(`Backed up ${filePath} to ${target} (${formatBytes(statSync(target).size)}).`);
  print(`Restore by stopping Switchboard and copying it back over ${filePath} (and deleting ${filePath}-wal and ${filePath}-shm).`);
  return ExitCode.OK;
}
