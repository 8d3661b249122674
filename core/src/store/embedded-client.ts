/**
 * The libSQL client for an embedded database file, with a prepared-statement cache.
 *
 * @libsql/client's file client compiles every statement anew and asks for its column metadata
 * twice per call; profiled under ingest that was about a third of Switchboard's CPU (the same
 * few dozen SQL texts run for every message). This client speaks the same `Client` interface
 * (so drizzle-orm/libsql uses it unchanged) over the same native `libsql` binding, but keeps
 * each connection's compiled statements and their columns in a bounded LRU keyed by SQL text.
 * Remote URLs keep using @libsql/client.
 *
 * Connections: one for statements outside a transaction (each call runs synchronously to the end,
 * so they never interleave; in WAL mode the reads of one event-loop turn share a read snapshot),
 * and one per open transaction, reused afterwards. Values convert
 * exactly as @libsql/client's file client does (intMode "number"). Every connection runs with
 * `secure_delete` on, so deleted text does not linger in the file's free space.
 */
import { Buffer } from "node:buffer";
import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type Replicated,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";
import Database from "libsql";

type Native = InstanceType<typeof Database>;
type NativeStatement = ReturnType<Native["prepare"]>;

interface Compiled {
  statement: NativeStatement;
  /** Column names, or null for a statement that returns no rows. */
  columns: string[] | null;
  columnTypes: string[];
  /** Builds this statement's rows (see rowMaker), for the current column names. */
  makeRow: (values: unknown[]) => Row;
  /** Ends in `LIMIT ?`: with 1 bound there, at most one row comes back (see `execute`). */
  limitParam: boolean;
  /** Inserts one row and returns it (`INSERT ... VALUES (...) ... RETURNING`): at most one row comes back. */
  oneRow: boolean;
  /** When it last ran, by the connection's count of runs (the least recently used goes first). */
  lastUse: number;
}

/** A statement whose last parameter is its row limit. */
const LIMIT_PARAM = /\blimit\s+\?\s*$/i;

/**
 * Whether `sql` is an INSERT of a single VALUES tuple with a RETURNING clause: it answers at most
 * one row, and SQLite makes all its changes on the first step, so get() runs it whole.
 *
 * @example
 * insertsOneRowReturning('insert into "t" ("a") values (?) returning "id"') // true
 * insertsOneRowReturning('insert into "t" ("a") values (?), (?) returning "id"') // false
 */
export function insertsOneRowReturning(sql: string): boolean {
  if (!/^\s*insert\b/i.test(sql)) return false;
  const values = /\bvalues\s*\(/i.exec(sql);
  if (!values) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = values.index + values[0].length - 1; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) {
      const rest = sql.slice(i + 1).trimStart();
      return !rest.startsWith(",") && /\breturning\b/i.test(rest);
    }
  }
  return false;
}

/**
 * A mark on a statement given to the embedded client's or a transaction's `execute`: its rows come
 * back as arrays of values by position (integers as numbers, blobs as Buffers), without the Row
 * object `execute` builds for each (store/reusable.ts reads its planned queries' rows by position,
 * issue 22). @libsql/client ignores the mark and answers Rows, which read by position alike.
 *
 * @example
 * const { rows } = await client.execute({ sql: "SELECT id, name FROM contacts WHERE id = ?", args: [7], [VALUE_ROWS]: true });
 * // rows: [[7, "Ann"]]
 */
export const VALUE_ROWS = Symbol("valueRows");

/** How many compiled statements each connection keeps (least recently used go first). */
const STATEMENT_CACHE_SIZE = 500;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -9223372036854775808n;
const MAX_INT64 = 9223372036854775807n;

const QUERY_ONLY = { on: "PRAGMA query_only = ON", off: "PRAGMA query_only = OFF" };
const BEGIN: Record<TransactionMode, string> = { write: "BEGIN IMMEDIATE", read: "BEGIN TRANSACTION READONLY", deferred: "BEGIN DEFERRED" };

/** A statement that only reads (a WITH may write): it may run in the shared read snapshot. */
const PLAIN_READ = /^\s*select\b/i;
/** A statement that may switch the journal mode. */
const JOURNAL_MODE = /^\s*pragma\s+(\w+\.)?journal_mode\b/i;

/** Statements that change the schema, after which every connection's cached column lists may be stale. */
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

class Connection {
  readonly native: Native;
  readonly #cache = new Map<string, Compiled>();
  readonly #onSchemaChange: () => void;
  /** The busy timeout this connection runs with now (see waitWhenBusy). */
  #busyTimeoutMs: number;
  /** Statements run so far: the clock of the cache's least-recently-used order. */
  #uses = 0;

  constructor(path: string, timeoutMs: number | undefined, onSchemaChange: () => void) {
    this.native = new Database(path, timeoutMs === undefined ? {} : { timeout: timeoutMs });
    this.#busyTimeoutMs = timeoutMs ?? 0;
    // Deleted rows are overwritten with zeros, not left in free space: a GDPR erase must leave no
    // trace of the text in the file (core/src/contacts/erase.ts). Per connection, so set on each.
    this.native.exec("PRAGMA secure_delete = ON");
    this.#onSchemaChange = onSchemaChange;
  }

  #compile(sql: string): Compiled {
    const cached = this.#cache.get(sql);
    if (cached) {
      // Stamped, not moved to the back of the Map: a delete and a set on every run cost more than
      // the whole lookup, and the cache rarely fills (see #evictLeastRecent).
      cached.lastUse = ++this.#uses;
      return cached;
    }
    const statement = this.native.prepare(sql);
    statement.safeIntegers(true);
    let compiled: Compiled;
    if (statement.reader) {
      statement.raw(true);
      compiled = describeColumns({
        statement,
        columns: [],
        columnTypes: [],
        makeRow: NO_ROWS,
        limitParam: LIMIT_PARAM.test(sql),
        oneRow: insertsOneRowReturning(sql),
        lastUse: ++this.#uses,
      });
    } else {
      compiled = { statement, columns: null, columnTypes: [], makeRow: NO_ROWS, limitParam: false, oneRow: false, lastUse: ++this.#uses };
    }
    if (this.#cache.size >= STATEMENT_CACHE_SIZE) this.#evictLeastRecent();
    this.#cache.set(sql, compiled);
    return compiled;
  }

  /** Drops the statement that ran longest ago: a scan of the cache, only when a new statement finds it full. */
  #evictLeastRecent(): void {
    let oldest: string | undefined;
    let oldestUse = Number.POSITIVE_INFINITY;
    for (const [sql, compiled] of this.#cache)
      if (compiled.lastUse < oldestUse) {
        oldest = sql;
        oldestUse = compiled.lastUse;
      }
    if (oldest !== undefined) this.#cache.delete(oldest);
  }

  /** Sets how long SQLite waits, inside the native call, for another connection's lock (only when it differs). */
  waitWhenBusy(timeoutMs: number): void {
    if (timeoutMs === this.#busyTimeoutMs) return;
    this.native.exec(`PRAGMA busy_timeout = ${timeoutMs}`);
    this.#busyTimeoutMs = timeoutMs;
  }

  /** Forgets compiled statements (after schema changes, so column lists are read again). */
  forget(): void {
    this.#cache.clear();
  }

  execute(stmt: InStatement | string): ResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args = typeof stmt === "string" ? [] : argsToSql(stmt.args);
    try {
      const compiled = this.#compile(sql);
      if (compiled.columns) {
        const raw = this.#rawRows(compiled, args);
        if (typeof stmt !== "string" && VALUE_ROWS in stmt) {
          for (const values of raw) for (let i = 0; i < values.length; i++) values[i] = integerFromSql(values[i]);
          return resultSet(compiled.columns, compiled.columnTypes, raw as unknown as Row[], 0, undefined);
        }
        return resultSet(compiled.columns, compiled.columnTypes, raw.map(compiled.makeRow), 0, undefined);
      }
      const info = compiled.statement.run(args) as { changes: number; lastInsertRowid: number | bigint };
      if (SCHEMA_CHANGE.test(sql)) this.#onSchemaChange();
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (error) {
      throw asLibsqlError(error);
    }
  }

  /** The native rows of a statement that returns rows, as SQLite gives them (safe integers as bigints). */
  #rawRows(compiled: Compiled, args: unknown[] | Record<string, unknown>): unknown[][] {
    const { statement } = compiled;
    // One row at most (drizzle's `.limit(1)`, or one row inserted and returned): the native
    // get() costs a third of all(), which opens a row cursor object for every call.
    let raw: unknown[][];
    if (compiled.oneRow || (compiled.limitParam && Array.isArray(args) && args[args.length - 1] === 1)) {
      const row = statement.get(args) as unknown[] | undefined;
      raw = row === undefined ? [] : [row];
    } else raw = statement.all(args) as unknown[][];
    // Prepared against a schema another connection has since changed, SQLite re-prepares the
    // statement as it runs; the columns read before then are stale, so read them again.
    if (raw.length > 0 && raw[0]!.length !== compiled.columns!.length) describeColumns(compiled);
    return raw;
  }

  /** Runs `sql` (several statements) as is. */
  executeMultiple(sql: string): void {
    try {
      this.native.exec(sql);
    } catch (error) {
      throw asLibsqlError(error);
    } finally {
      this.#onSchemaChange();
    }
  }

  get inTransaction(): boolean {
    return this.native.open && this.native.inTransaction;
  }

  close(): void {
    this.#cache.clear();
    if (this.native.open) this.native.close();
  }
}

/** A libSQL `Client` on an embedded file, which also says whether the file is in WAL mode. */
export interface EmbeddedStoreClient extends Client {
  /** Whether the file is in WAL mode (where readers and the writer do not wait for each other); kept current when a statement of this client changes it. */
  readonly inWalMode: boolean;
}

/**
 * Opens an embedded database file (a path, not a URL) as a libSQL `Client`.
 *
 * @example
 * const client = createEmbeddedClient("/var/lib/switchboard/switchboard.db", { timeoutMs: 10_000 });
 * const db = drizzle(client);
 */
export function createEmbeddedClient(path: string, options: { timeoutMs?: number } = {}): EmbeddedStoreClient {
  return new EmbeddedClient(path, options.timeoutMs);
}

class EmbeddedClient implements EmbeddedStoreClient {
  closed = false;
  readonly protocol = "file";
  readonly #path: string;
  readonly #timeoutMs: number | undefined;
  #shared: Connection;
  /** Whether #shared holds the read transaction of the reads outside transactions (see #openSnapshot). */
  #snapshot = false;
  /** Whether the file is in WAL mode: only then do the reads outside transactions share a snapshot. */
  #wal: boolean;
  /** Connections free for the next transaction. */
  #idle: Connection[] = [];
  #held = new Set<Connection>();

  constructor(path: string, timeoutMs: number | undefined) {
    this.#path = path;
    this.#timeoutMs = timeoutMs;
    this.#shared = this.#connect();
    this.#wal = this.#readsWal();
  }

  get inWalMode(): boolean {
    return this.#wal;
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.#checkOpen();
    const stmt = typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    if (this.#wal && PLAIN_READ.test(stmt.sql)) this.#openSnapshot();
    else this.#endSnapshot();
    const result = this.#shared.execute(stmt);
    if (JOURNAL_MODE.test(stmt.sql)) this.#wal = this.#readsWal();
    return result;
  }

  /** Whether the file is in WAL mode, where a reader never holds up a writer (in the rollback journal it would). */
  #readsWal(): boolean {
    return String(this.#shared.execute("PRAGMA journal_mode").rows[0]?.[0] ?? "").toLowerCase() === "wal";
  }

  /**
   * Reads outside a transaction share one read transaction until the event loop's next turn, or
   * until a transaction of this client ends (so a read after this process's own write sees it).
   * Each read on its own began and ended a read transaction of the WAL (two lock calls to the
   * kernel, about 5 µs): a third of what a point lookup costs (issue 22). Another process's commit
   * shows from the next turn on: Bun runs immediates before it polls for I/O again, so a request or
   * a wake that another process's commit caused is read in a snapshot taken after it arrived.
   */
  #openSnapshot(): void {
    if (this.#snapshot || this.#shared.inTransaction) return;
    this.#shared.native.exec("BEGIN DEFERRED");
    this.#snapshot = true;
    setImmediate(this.#endSnapshot);
  }

  readonly #endSnapshot = (): void => {
    if (!this.#snapshot) return;
    this.#snapshot = false;
    if (this.#shared.inTransaction) this.#shared.native.exec("COMMIT");
  };

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    this.#checkOpen();
    this.#endSnapshot();
    return runInTransaction(this.#shared, BEGIN[mode], stmts.map(normaliseStatement));
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.#checkOpen();
    this.#endSnapshot();
    const connection = this.#shared;
    connection.execute("PRAGMA foreign_keys=off");
    try {
      return runInTransaction(connection, BEGIN.deferred, stmts);
    } finally {
      connection.execute("PRAGMA foreign_keys=on");
      this.#forgetAll();
    }
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    this.#checkOpen();
    const connection = this.#idle.pop() ?? this.#connect();
    this.#held.add(connection);
    try {
      if (mode === "write") await this.#beginWrite(connection);
      else {
        connection.waitWhenBusy(this.#timeoutMs ?? 0);
        // libSQL's BEGIN TRANSACTION READONLY would still take a write (and the write lock with it).
        if (mode === "read") connection.execute(QUERY_ONLY.on);
        connection.execute(BEGIN[mode]);
      }
    } catch (error) {
      try {
        this.#release(connection, mode);
      } catch (releaseError) {
        throw new AggregateError(
          [error, releaseError],
          `${(error as Error).message}; then the connection could not be reset (closed): ${(releaseError as Error).message}`,
        );
      }
      throw error;
    }
    return new EmbeddedTransaction(connection, () => this.#release(connection, mode), this.#endSnapshot);
  }

  /**
   * BEGIN IMMEDIATE without freezing this process while another process holds the write lock (a
   * second Switchboard on the same file, the CLI): SQLite's busy handler waits inside the native
   * call, which blocks the event loop for as long as it waits. So each try does not wait at all,
   * and the tries are spaced by timers (1 ms, doubling to 50 ms) until the busy timeout has passed.
   */
  async #beginWrite(connection: Connection): Promise<void> {
    const timeoutMs = this.#timeoutMs ?? 0;
    // Monotonic time: a wall clock set forward (NTP) must not end the wait early.
    const deadline = performance.now() + timeoutMs;
    connection.waitWhenBusy(0);
    try {
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          connection.execute(BEGIN.write);
          return;
        } catch (error) {
          if (!(error instanceof LibsqlError && error.code === "SQLITE_BUSY") || performance.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    } finally {
      // Outside WAL mode the transaction's own statements keep the usual wait (COMMIT waits for the
      // readers to let go of the rollback journal's lock). In WAL mode nothing the writer runs waits
      // (its commit's checkpoint is passive), so the connection stays at 0 for its next write
      // transaction: two PRAGMAs fewer per commit (issue 22).
      if (!this.#wal) connection.waitWhenBusy(timeoutMs);
    }
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#checkOpen();
    this.#endSnapshot();
    try {
      this.#shared.executeMultiple(sql);
    } finally {
      if (this.#shared.inTransaction) this.#shared.execute("ROLLBACK");
    }
  }

  async sync(): Promise<Replicated> {
    throw new LibsqlError("An embedded database file without a sync URL has nothing to sync.", "SYNC_NOT_SUPPORTED");
  }

  reconnect(): void {
    this.#endSnapshot();
    this.close();
    this.closed = false;
    this.#shared = this.#connect();
    this.#wal = this.#readsWal();
  }

  close(): void {
    this.closed = true;
    this.#snapshot = false;
    for (const connection of [this.#shared, ...this.#idle, ...this.#held]) connection.close();
    this.#idle = [];
    this.#held.clear();
  }

  #release(connection: Connection, mode: TransactionMode): void {
    this.#held.delete(connection);
    // What the transaction committed shows to the reads after it.
    this.#endSnapshot();
    if (this.closed || !connection.native.open) {
      connection.close();
      return;
    }
    // Never hand on a connection mid-transaction, or read-only: the next user would inherit it. One
    // that cannot be reset is closed, not handed on.
    try {
      if (connection.inTransaction) connection.execute("ROLLBACK");
      if (mode === "read") connection.execute(QUERY_ONLY.off);
    } catch (error) {
      connection.close();
      throw error;
    }
    this.#idle.push(connection);
  }

  #connect(): Connection {
    return new Connection(this.#path, this.#timeoutMs, () => this.#forgetAll());
  }

  #forgetAll(): void {
    for (const connection of [this.#shared, ...this.#idle, ...this.#held]) connection.forget();
  }

  #checkOpen(): void {
    if (this.closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
  }
}

class EmbeddedTransaction implements Transaction {
  #connection: Connection | null;
  readonly #release: () => void;
  /** Ends the shared read snapshot (see EmbeddedClient.#openSnapshot). */
  readonly #beforeCommit: () => void;

  constructor(connection: Connection, release: () => void, beforeCommit: () => void) {
    this.#connection = connection;
    this.#release = release;
    this.#beforeCommit = beforeCommit;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    return this.#open().execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const connection = this.#open();
    return stmts.map((stmt, i) => withBatchIndex(i, () => connection.execute(stmt)));
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#open().executeMultiple(sql);
  }

  async rollback(): Promise<void> {
    this.close();
  }

  async commit(): Promise<void> {
    try {
      // No read snapshot of this process open while the commit runs its checkpoint: a reader holds
      // the checkpoint back from the frames after its snapshot, and the log from starting over.
      this.#beforeCommit();
      this.#open().execute("COMMIT");
    } finally {
      this.#settle();
    }
  }

  close(): void {
    const connection = this.#connection;
    if (!connection) return;
    try {
      if (connection.inTransaction) connection.execute("ROLLBACK");
    } finally {
      this.#settle();
    }
  }

  get closed(): boolean {
    return !this.#connection?.inTransaction;
  }

  #open(): Connection {
    if (!this.#connection?.inTransaction) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
    return this.#connection;
  }

  #settle(): void {
    if (!this.#connection) return;
    this.#connection = null;
    this.#release();
  }
}

function describeColumns(compiled: Compiled): Compiled {
  const described = compiled.statement.columns() as { name: string; type: string | null }[];
  compiled.columns = described.map((c) => c.name);
  compiled.columnTypes = described.map((c) => c.type ?? "");
  compiled.makeRow = rowMaker(compiled.columns);
  return compiled;
}

function runInTransaction(connection: Connection, begin: string, stmts: InStatement[]): ResultSet[] {
  connection.execute(begin);
  try {
    const results = stmts.map((stmt, i) =>
      withBatchIndex(i, () => {
        if (!connection.inTransaction) throw new LibsqlBatchError("The transaction has been rolled back", i, "TRANSACTION_CLOSED");
        return connection.execute(stmt);
      }),
    );
    connection.execute("COMMIT");
    return results;
  } finally {
    if (connection.inTransaction) connection.execute("ROLLBACK");
  }
}

/** Names the failing statement of a batch, as @libsql/client does (LibsqlBatchError's index). */
function withBatchIndex<T>(index: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof LibsqlError && !(error instanceof LibsqlBatchError))
      throw new LibsqlBatchError(error.message, index, error.code, error.extendedCode, error.rawCode, error);
    throw error;
  }
}

function normaliseStatement(stmt: InStatement | [string, InArgs?]): InStatement {
  return Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt;
}

function argsToSql(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(valueToSql);
  const named: Record<string, unknown> = {};
  for (const name in args) named[/^[@$:]/.test(name) ? name.slice(1) : name] = valueToSql(args[name]!);
  return named;
}

function valueToSql(value: InValue): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < MIN_INT64 || value > MAX_INT64)
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function valueFromSql(value: unknown): unknown {
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return integerFromSql(value);
}

/** An integer as a number (intMode "number"); any other value as it is. */
function integerFromSql(value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  if (value < MIN_SAFE || value > MAX_SAFE)
    throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
  return Number(value);
}

/** Where a row keeps its values, for the index getters its prototype shares. */
const VALUES = Symbol("values");

const NO_ROWS = (): Row => {
  throw new Error("A statement that returns no rows has no row maker.");
};

/**
 * Rows as @libsql/client shapes them: values by column name (enumerable; the first of duplicate
 * names wins) and by index (not enumerable), with a `length`. The index accessors and `length`
 * live on one prototype per column list, so a row costs one object and its named values (defining
 * two properties per value on every row cost about 2 µs of a 22-column lookup, issue 22).
 */
function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const prototype = Object.create(Object.prototype) as Record<PropertyKey, unknown>;
  Object.defineProperty(prototype, "length", { value: columns.length });
  for (let i = 0; i < columns.length; i++)
    Object.defineProperty(prototype, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    });
  // By name: the first of duplicate names, and not a name the index accessors or `length` already
  // answer (a constant column is named "0"), as @libsql/client leaves those out too.
  const taken = (column: string) => column === "length" || (/^\d+$/.test(column) && Number(column) < columns.length);
  const named = columns.flatMap((column, i) => (columns.indexOf(column) === i && !taken(column) ? [[column, i] as const] : []));
  return (values) => {
    for (let i = 0; i < values.length; i++) values[i] = valueFromSql(values[i]);
    const row = Object.create(prototype) as Record<PropertyKey, unknown>;
    Object.defineProperty(row, VALUES, { value: values });
    for (const [column, i] of named) row[column] = values[i];
    return row as unknown as Row;
  };
}

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns,
      columnTypes,
      rows: rows.map((row) => Array.prototype.map.call(row, valueToJson)),
      rowsAffected,
      lastInsertRowid: lastInsertRowid === undefined ? null : `${lastInsertRowid}`,
    }),
  };
}

/** A value as @libsql/client's `toJSON` writes it: bigints as strings, blobs in base64. */
function valueToJson(value: unknown): unknown {
  if (typeof value === "bigint") return `${value}`;
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString("base64");
  return value;
}

function asLibsqlError(error: unknown): unknown {
  if (error instanceof Database.SqliteError) {
    const raw = (error as { rawCode?: number }).rawCode;
    const code = raw === undefined ? "SQLITE_UNKNOWN" : (SQLITE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
    return new LibsqlError(error.message, code, (error as { code?: string }).code, raw, error);
  }
  return error;
}

const SQLITE_CODES: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
  27: "SQLITE_NOTICE",
  28: "SQLITE_WARNING",
};
