/**
 * Human-facing CLI output: check lines (✓ ✗ !), a box for things shown only once, and sizes.
 */

/** One line of a check list: `✓ label: detail`, `✗ …` or `! …` (a warning that does not fail). */
export function checkLine(state: "ok" | "fail" | "warn", label: string, detail?: string): string {
  const mark = state === "ok" ? "✓" : state === "fail" ? "✗" : "!";
  return `${mark} ${label}${detail ? `: ${detail}` : ""}`;
}

/**
 * Draws a box around lines, for something the reader must not miss (a password shown once).
 *
 * @example
 * console.log(box(["Email:    admin@localhost", "Password: s3cret"]));
 */
export function box(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => [...line].length));
  const rule = "─".repeat(width + 2);
  const body = lines.map((line) => `│ ${line}${" ".repeat(width - [...line].length)} │`);
  return [`┌${rule}┐`, ...body, `└${rule}┘`].join("\n");
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The URL a person opens: a wildcard listen address is shown as localhost. */
export function displayUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" || host === "" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * A count with its noun, singular or plural (English).
 *
 * @example
 * counted(1, "problem"); // "1 problem"
 * counted(3, "inbox", "inboxes"); // "3 inboxes"
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** An error message without its closing punctuation, to be followed by more text: "Is it up?" → "Is it up". */
export function clause(message: string): string {
  return message.trim().replace(/[.?!]+$/, "");
}
