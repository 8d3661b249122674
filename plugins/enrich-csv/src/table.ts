/**
 * The CSV file as a lookup table: rows parsed with csv-parse (header row, BOM, quotes), indexed by
 * normalised email and phone, each row's columns turned into typed facts. Problems in single cells
 * are collected as warnings (the row keeps its other facts); a file that cannot be parsed throws.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";

export const columnSchema = z.union([
  z.string().min(1),
  z.object({ column: z.string().min(1), type: z.enum(["text", "number", "boolean"]).default("text") }).strict(),
]);
export type ColumnMapping = z.infer<typeof columnSchema>;

export interface TableOptions {
  /** The columns holding the email and the phone of each row. */
  emailColumn: string;
  phoneColumn: string;
  /** fact → column; undefined: every other column as text, named in snake_case. */
  columns: Record<string, ColumnMapping> | undefined;
  delimiter: string;
  normalisePhone(raw: string): string | undefined;
}

export interface Table {
  byEmail: Map<string, Record<string, unknown>>;
  byPhone: Map<string, Record<string, unknown>>;
  rows: number;
  warnings: string[];
}

const snake = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .replace(/^(\d)/, "_$1");

function convert(raw: string, type: "text" | "number" | "boolean"): unknown {
  const value = raw.trim();
  if (type === "text") return value;
  if (type === "number") {
    const n = Number(value.replace(/[\s,$€£]/g, ""));
    return Number.isFinite(n) ? n : undefined;
  }
  if (/^(yes|y|true|1|x)$/i.test(value)) return true;
  if (/^(no|n|false|0)$/i.test(value)) return false;
  return undefined;
}

/**
 * Reads and indexes the CSV file. Throws with the file name and the parser's reason when it cannot
 * be parsed or lacks the key columns.
 *
 * @example
 * const table = loadTable("/srv/customers.csv", { emailColumn: "email", phoneColumn: "phone", columns: undefined, delimiter: ",", normalisePhone });
 * table.byEmail.get("ann@example.com") // { plan: "pro", vip: "yes" }
 */
export function loadTable(file: string, options: TableOptions): Table {
  let records: Record<string, string>[];
  try {
    records = parse(readFileSync(file), {
      columns: true,
      bom: true,
      delimiter: options.delimiter,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new Error(`enrich-csv: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const headers = records[0] ? Object.keys(records[0]) : [];
  const missing = [options.emailColumn, options.phoneColumn].filter((column) => records.length > 0 && !headers.includes(column));
  if (missing.length === 2)
    throw new Error(
      `enrich-csv: ${file} has neither the column "${options.emailColumn}" nor "${options.phoneColumn}" (its columns: ${headers.join(", ")}). Set options.email_column / options.phone_column.`,
    );
  const mapping: Record<string, { column: string; type: "text" | "number" | "boolean" }> = options.columns
    ? Object.fromEntries(
        Object.entries(options.columns).map(([fact, m]) => [fact, typeof m === "string" ? { column: m, type: "text" as const } : m]),
      )
    : Object.fromEntries(
        headers
          .filter((h) => h !== options.emailColumn && h !== options.phoneColumn)
          .map((h) => [snake(h), { column: h, type: "text" as const }]),
      );
  const table: Table = { byEmail: new Map(), byPhone: new Map(), rows: records.length, warnings: [] };
  for (const [fact, { column }] of Object.entries(mapping))
    if (records.length > 0 && !headers.includes(column)) table.warnings.push(`options.columns.${fact}: there is no column "${column}"`);
  records.forEach((record, index) => {
    const facts: Record<string, unknown> = {};
    for (const [fact, { column, type }] of Object.entries(mapping)) {
      const raw = record[column];
      if (raw === undefined || raw.trim() === "") continue;
      const value = convert(raw, type);
      if (value === undefined)
        table.warnings.push(`row ${index + 2}, column "${column}": expected ${type === "number" ? "a number" : "yes or no"}, got "${raw}"`);
      else facts[fact] = value;
    }
    const email = record[options.emailColumn]?.trim().toLowerCase();
    const phone = record[options.phoneColumn] ? options.normalisePhone(record[options.phoneColumn]!) : undefined;
    if (email) table.byEmail.set(email, facts);
    if (phone) table.byPhone.set(phone, facts);
    if (!email && !phone) table.warnings.push(`row ${index + 2}: no email and no usable phone; skipped`);
  });
  return table;
}
