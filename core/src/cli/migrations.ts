/**
 * Which checked-in migrations a database has applied and which are pending, read without changing
 * anything. Drizzle records each applied migration in `__drizzle_migrations` with its journal time
 * (`created_at`) and applies every journal entry newer than the latest recorded one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER, type Store } from "../store/index.ts";

export interface JournalEntry {
  tag: string;
  when: number;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** The migrations checked in under core/drizzle, oldest first. */
export function readJournal(folder: string = MIGRATIONS_FOLDER): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when })).sort((a, b) => a.when - b.when);
}

/** Compares the database's migration table with the journal. A database without the table has applied nothing. */
export async function migrationStatus(store: Store, journal: JournalEntry[] = readJournal()): Promise<MigrationStatus> {
  const table = await store.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'");
  let latest = Number.NEGATIVE_INFINITY;
  if (table.rows.length > 0) {
    const result = await store.client.execute("SELECT max(created_at) AS latest FROM __drizzle_migrations");
    const value = result.rows[0]?.latest;
    if (value !== null && value !== undefined) latest = Number(value);
  }
  return {
    applied: journal.filter((entry) => entry.when <= latest).map((entry) => entry.tag),
    pending: journal.filter((entry) => entry.when > latest).map((entry) => entry.tag),
  };
}
