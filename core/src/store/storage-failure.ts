/**
 * Storage failures: the SQLite errors that say the disk or the database file, not the request, is
 * at fault (a full disk, I/O errors, a read-only file). HTTP answers them with a 503 and
 * Retry-After instead of a 500, and the health check probes with a one-page write to say what is
 * wrong while writes fail. Nothing needs restarting: the next write after the disk has room works.
 */
import { sql } from "drizzle-orm";
import type { Store } from "./index.ts";

export interface StorageFailure {
  /** The SQLite result code, e.g. SQLITE_FULL (extended codes such as SQLITE_IOERR_WRITE are kept). */
  code: string;
  /** What is wrong and what to do, for operators and senders. */
  reason: string;
}

const REASONS: Record<string, string> = {
  SQLITE_FULL: "the disk holding the database is full; free some space and writes resume by themselves",
  SQLITE_IOERR: "the disk holding the database reports I/O errors; check the disk",
  SQLITE_READONLY: "the database is read-only; make its file and folder writable",
};

/**
 * The storage failure behind an error (looked for along its `cause` chain), or undefined when the
 * error is something else.
 *
 * @example
 * const failure = storageFailureOf(error);
 * if (failure) return c.json({ error: failure.reason }, 503);
 */
export function storageFailureOf(error: unknown): StorageFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      const base = Object.keys(REASONS).find((known) => code === known || code.startsWith(`${known}_`));
      if (base) return { code, reason: `${REASONS[base]} (${code})` };
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Writes one page (the header's user_version, set to its own value) in a write transaction, and
 * resolves to the storage failure it met, or undefined when the store takes writes. Any other error
 * is thrown.
 *
 * @example
 * const failure = await probeWrite(store);
 * if (failure) return c.json({ status: "error", store: failure.reason }, 503);
 */
export async function probeWrite(store: Pick<Store, "write">): Promise<StorageFailure | undefined> {
  try {
    await store.write(async (tx) => {
      const [row] = await tx.all<{ user_version: number }>(sql`PRAGMA user_version`);
      await tx.run(sql.raw(`PRAGMA user_version = ${Number(row?.user_version ?? 0)}`));
    });
    return undefined;
  } catch (error) {
    const failure = storageFailureOf(error);
    if (!failure) throw error;
    return failure;
  }
}
