/**
 * The CSV table kept fresh: re-read when the file's modification time or size changes (checked at
 * most every `checkIntervalMs`, on lookup). A broken new version is reported and the last good
 * table stays in use.
 */
import { statSync } from "node:fs";
import type { Logger } from "@switchboard/core";
import { loadTable, type Table, type TableOptions } from "./table.ts";

export class WatchedTable {
  readonly #file: string;
  readonly #options: TableOptions;
  readonly #log: Logger;
  readonly #checkIntervalMs: number;
  #table: Table;
  #version: string;
  #checkedAt = 0;

  /** Loads the file now; throws when it cannot (the plugin then fails to start, with the reason). */
  constructor(file: string, options: TableOptions, log: Logger, checkIntervalMs: number) {
    this.#file = file;
    this.#options = options;
    this.#log = log;
    this.#checkIntervalMs = checkIntervalMs;
    try {
      this.#version = this.#stat();
    } catch (error) {
      throw new Error(
        `enrich-csv: cannot read ${file}: ${(error as Error).message}. Check options.file (a relative path starts from ${process.cwd()}).`,
        { cause: error },
      );
    }
    this.#table = this.#load();
  }

  /** The current table, re-read first if the file changed. */
  current(): Table {
    const now = Date.now();
    if (now - this.#checkedAt < this.#checkIntervalMs) return this.#table;
    this.#checkedAt = now;
    let version: string;
    try {
      version = this.#stat();
    } catch (error) {
      this.#log.error(
        { file: this.#file, error: (error as Error).message },
        "enrich-csv: the CSV file is gone; keeping the last version read",
      );
      return this.#table;
    }
    if (version === this.#version) return this.#table;
    try {
      this.#table = this.#load();
      this.#version = version;
    } catch (error) {
      this.#log.error(
        { file: this.#file, error: (error as Error).message },
        "enrich-csv: the changed CSV file cannot be read; keeping the last good version",
      );
    }
    return this.#table;
  }

  #stat(): string {
    const stat = statSync(this.#file);
    return `${stat.mtimeMs}:${stat.size}`;
  }

  #load(): Table {
    const table = loadTable(this.#file, this.#options);
    if (table.warnings.length > 0)
      this.#log.warn(
        { file: this.#file, warnings: table.warnings.slice(0, 20), count: table.warnings.length },
        "enrich-csv: some cells were left out",
      );
    this.#log.info({ file: this.#file, rows: table.rows }, "enrich-csv: loaded");
    return table;
  }
}
