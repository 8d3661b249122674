/**
 * `switchboard migrate`: applies the checked-in migrations to the configured database and says
 * which ones it applied. Safe to run again: an up-to-date database is left as it is.
 */
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { migrationStatus } from "./migrations.ts";

export async function migrateCommand(options: { config?: string }, print: (line: string) => void = console.log): Promise<number> {
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    const before = await migrationStatus(store);
    await store.migrate();
    const after = await migrationStatus(store);
    const where = store.filePath ?? store.url;
    if (before.pending.length === 0) {
      print(`The database at ${where} is up to date (${after.applied.length} migrations applied before).`);
    } else {
      print(`Applied ${before.pending.length} migration(s) to ${where}:`);
      for (const tag of before.pending) print(`  ✓ ${tag}`);
    }
    if (after.pending.length > 0) {
      print(
        `Still pending after migrating: ${after.pending.join(", ")}. The database's migration table is ahead of or out of step with core/drizzle; check __drizzle_migrations.`,
      );
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
