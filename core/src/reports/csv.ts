/**
 * CSV (RFC 4180) of a table: a header row, then one line per row; fields with a comma, a quote or
 * a line break are quoted, and a field a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with a quote.
 */

/**
 * One CSV field.
 *
 * @example
 * csvField('say "hi"'); // '"say ""hi"""'
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole table as CSV, with CRLF line ends.
 *
 * @example
 * toCsv(["channel", "cases"], [["email", 3]]); // "channel,cases\r\nemail,3\r\n"
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
