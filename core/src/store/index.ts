/**
 * Opens the libSQL store (an embedded file in WAL mode, or a remote sqld/Turso URL) and gives
 * the one way to write: `store.write(fn)`, a transaction serialised in-process, since SQLite
 * allows one writer at a time and concurrent transactions would fail with SQLITE_BUSY. Writes
 * that queue up share one commit (group commit, see group-commit.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { Mutex } from "async-mutex";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { createEmbeddedClient, type EmbeddedStoreClient } from "./embedded-client.ts";
import { createGroupWriter } from "./group-commit.ts";
import { migrateShared } from "./migrate-shared.ts";

/**
 * The store's drizzle database, without drizzle's relational query API (`db.query.<table>`): with a
 * schema given, drizzle builds a query builder for every table on each transaction it opens, and
 * every query here is built with select, insert, update and delete instead (issue 22).
 */
export type Database = LibSQLDatabase;
/** The transaction handle passed to `store.write`. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or a transaction: read helpers accept both. */
export type Queryable = Database | Tx;

export interface Store {
  client: Client;
  db: Database;
  /** The resolved URL (file paths made absolute). */
  url: string;
  /** The file path of an embedded database, or undefined for a remote one. */
  filePath: string | undefined;
  /**
   * Runs `fn` in one write transaction, serialised with every other write of this process.
   * Everything `fn` writes commits together or not at all, and the promise settles only after
   * the commit. Calls queued while another runs may share its successor's commit: a `fn` that
   * throws undoes only its own writes, but then the others' functions run again (keep `fn` to
   * database work and local state; publish events and call out after the promise resolves).
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`'s reads in one read snapshot (a read transaction) on a connection of its own: `fn`
   * may wait between its reads, for the event loop's next turn say, and still read one state of
   * the store, while this process's writes go on beside it (an embedded file is in WAL mode, where
   * a reader never holds up the writer; a file that is not waits for the writes and holds them
   * until `fn` is done). Give `fn` reads only: a write fails, and `fn` must not call `write`. Nor
   * may `read` be called from inside `write`'s function: outside WAL mode it waits for the writes'
   * turn, which that write holds.
   *
   * @example
   * const [before, after] = await store.read(async (db) => [await countOf(db), (await turn(), await countOf(db))]);
   */
  read<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  /** Applies the checked-in migrations (idempotent). */
  migrate(): Promise<void>;
  /**
   * Copies the write-ahead log into the database file and empties the log (`wal_checkpoint(TRUNCATE)`),
   * between writes. Resolves `false` when another process kept it from finishing (the log then
   * empties at a later checkpoint), and `true` for a remote store, which has no file here.
   */
  checkpoint(): Promise<boolean>;
  close(): void;
}

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Resolves a `file:` URL against `baseDir`; other URLs pass through. */
export function resolveStoreUrl(url: string, baseDir: string): { url: string; filePath: string | undefined } {
  if (!url.startsWith("file:")) return { url, filePath: undefined };
  const path = url.slice("file:".length).replace(/^\/\/(localhost)?(?=\/)/, "");
  const filePath = isAbsolute(path) ? path : resolve(baseDir, path);
  return { url: `file:${filePath}`, filePath };
}

/**
 * Opens a store. A file database gets its folder created and WAL mode switched on.
 *
 * @example
 * const store = await openStore({ url: "file:data/switchboard.db", baseDir: process.cwd() });
 * await store.migrate();
 */
export async function openStore(options: { url: string; authToken?: string; baseDir?: string }): Promise<Store> {
  const { url, filePath } = resolveStoreUrl(options.url, options.baseDir ?? process.cwd());
  if (url === "file::memory:" || url === ":memory:") {
    throw new SwitchboardError(
      ErrorCodes.STORE,
      "An in-memory store cannot hold a transaction beside other reads. Use a temporary file (file:/tmp/x.db) instead.",
    );
  }
  if (filePath) mkdirSync(dirname(filePath), { recursive: true });
  let client: Client;
  let embedded: EmbeddedStoreClient | undefined;
  try {
    client = filePath
      ? (embedded = createEmbeddedClient(filePath, { timeoutMs: BUSY_TIMEOUT_MS }))
      : createClient({ url, authToken: options.authToken, timeout: BUSY_TIMEOUT_MS } as Parameters<typeof createClient>[0]);
    if (filePath) {
      await client.execute("PRAGMA journal_mode = WAL");
    }
  } catch (error) {
    throw new SwitchboardError(
      ErrorCodes.STORE,
      `Cannot open the store at ${filePath ?? url}: ${(error as Error).message}. Check store.url in the config and that the folder is writable.`,
      {},
      { cause: error },
    );
  }
  const db = drizzle(client);
  const lock = new Mutex();
  return {
    client,
    db,
    url,
    filePath,
    write: createGroupWriter<Tx>({ transaction: (fn) => db.transaction(fn), lock }),
    read: async (fn) => {
      // Outside WAL mode a reader holds up every writer, and this process's commit would wait for it
      // inside the native call (the event loop frozen up to the busy timeout): the reads then take
      // the writes' turn instead.
      if (embedded && !embedded.inWalMode) return lock.runExclusive(() => readSnapshot(client, fn));
      return readSnapshot(client, fn);
    },
    migrate: () => lock.runExclusive(() => migrateShared(() => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }))),
    checkpoint: () =>
      lock.runExclusive(async () => {
        if (!filePath) return true;
        const [result] = (await client.execute("PRAGMA wal_checkpoint(TRUNCATE)")).rows;
        return Number(result?.busy ?? 1) === 0;
      }),
    close: () => client.close(),
  };
}

/** Runs `fn` in a read transaction of its own (see Store.read). */
async function readSnapshot<T>(client: Client, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const snapshot = await client.transaction("read");
  try {
    // drizzle opens every transaction as a write one, so the snapshot gets a database of its own.
    return await fn(drizzle(snapshot as unknown as Client));
  } finally {
    snapshot.close();
  }
}

/** Milliseconds since the epoch; the store's unit of time. */
export type Millis = number;
