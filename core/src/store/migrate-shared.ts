/**
 * Migrations when several processes start on one database at once (`[cluster]`, or a container
 * platform starting replicas together): each process's pending migrations run as one transaction,
 * so when another process applied them first this one's batch fails ("table … already exists", or
 * the database is busy) and changes nothing. Running again then finds them recorded and does
 * nothing. Any other failure, or the same one five times, is thrown.
 */

const CONCURRENT = /already exists|SQLITE_BUSY|database is locked/i;
const ATTEMPTS = 5;

/**
 * Runs `migrate` until it succeeds, retrying a failure another process's migration explains.
 *
 * @example
 * await migrateShared(() => migrate(db, { migrationsFolder }));
 */
export async function migrateShared(migrate: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate();
      return;
    } catch (error) {
      const text = `${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? "")}`;
      if (attempt >= ATTEMPTS || !CONCURRENT.test(text)) throw error;
      // Another process is migrating this database: its transaction commits, then ours finds nothing to do.
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
