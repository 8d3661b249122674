/**
 * Config problems → one ConfigError whose message names the file, every bad key, the plugin
 * and a fix. Used for config/switchboard.toml itself and for each plugin's own options.
 */
import type { z } from "zod";
import { ConfigError, type ErrorCode, ErrorCodes } from "../errors/index.ts";

/** One thing wrong in the config: where, what, and how to fix it. */
export interface ConfigProblem {
  key: string;
  plugin?: string;
  problem: string;
  fix: string;
}

/** A path into the config tree, as zod reports it: keys and array indexes. */
export type KeyPath = readonly PropertyKey[];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const SECRET_KEY = /secret|token|password|passwd|api_?key|auth/i;

/**
 * Formats a path as a dotted TOML key; array indexes become `[i]`, odd keys are quoted.
 *
 * @example
 * formatKeyPath(["url"], "webhooks[0]"); // "webhooks[0].url"
 * formatKeyPath(["plugins", "My Bot"]); // 'plugins."My Bot"'
 */
export function formatKeyPath(path: KeyPath, prefix = ""): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const name = String(segment);
      out += `${out ? "." : ""}${BARE_KEY.test(name) ? name : JSON.stringify(name)}`;
    }
  }
  return out || "(root)";
}

/**
 * The value at `path` inside `root`, or undefined.
 *
 * @example
 * valueAt({ server: { port: 1 } }, ["server", "port"]); // 1
 */
export function valueAt(root: unknown, path: KeyPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * The plugin alias a config path belongs to: `plugins.<alias>…`, or `inboxes.<name>…` whose
 * inbox names its plugin in `root`.
 *
 * @example
 * pluginForPath(["inboxes", "support", "options"], { inboxes: { support: { plugin: "api" } } }); // "api"
 */
export function pluginForPath(path: KeyPath, root: unknown): string | undefined {
  const [section, name] = path;
  if (typeof name !== "string") return undefined;
  if (section === "plugins") return name;
  if (section !== "inboxes") return undefined;
  const alias = valueAt(root, ["inboxes", name, "plugin"]);
  return typeof alias === "string" ? alias : undefined;
}

/**
 * One ConfigError for one or many problems. The location is the first problem's; with several,
 * the fix lists every problem with its key and its own fix.
 *
 * @example
 * throw configErrorFromProblems(ErrorCodes.CONFIG_INVALID, file, [{ key: "server.port", problem: "expected a number", fix: "Write a number." }]);
 */
export function configErrorFromProblems(code: ErrorCode, file: string, problems: readonly ConfigProblem[], summary?: string): ConfigError {
  const [first] = problems;
  if (!first) throw new TypeError("configErrorFromProblems needs at least one problem");
  const where = { file, key: first.key, ...(first.plugin ? { plugin: first.plugin } : {}) };
  const error =
    problems.length === 1
      ? new ConfigError(code, { ...where, fix: first.fix }, first.problem)
      : new ConfigError(
          code,
          { ...where, fix: `correct each one:\n${problems.map(listLine).join("\n")}` },
          summary ?? `found ${problems.length} problems`,
        );
  error.details.problems = problems;
  return error;
}

/**
 * Throws one ConfigError for every problem collected (from several plugins or inboxes), so a file
 * with three mistakes shows all three; does nothing when `errors` is empty.
 *
 * @example
 * const errors: ConfigError[] = [];
 * for (const entry of entries) { const r = schema.safeParse(entry); if (!r.success) errors.push(configErrorFromZod(file, r.error)); }
 * throwCollected(file, errors);
 */
export function throwCollected(file: string, errors: readonly ConfigError[]): void {
  const [first] = errors;
  if (!first) return;
  if (errors.length === 1) throw first;
  const problems = errors.flatMap(
    (e) =>
      (e.details.problems as ConfigProblem[] | undefined) ?? [
        { key: e.location.key, ...(e.location.plugin ? { plugin: e.location.plugin } : {}), problem: e.message, fix: e.fix },
      ],
  );
  throw configErrorFromProblems(first.code as ErrorCode, file, problems);
}

function listLine(p: ConfigProblem): string {
  return `  - ${p.key}${p.plugin ? ` (plugin "${p.plugin}")` : ""}: ${p.problem}. ${p.fix}`;
}

/** Options for {@link configErrorFromZod}. */
export interface ZodErrorOptions {
  /** Prepended to every issue path, e.g. `plugins.telegram.options`. */
  keyPrefix?: string;
  /** The plugin the keys belong to; otherwise found from `plugins.<alias>` / `inboxes.<name>` paths. */
  plugin?: string;
  /** The schema that failed; lets unknown-key errors list the known keys. */
  schema?: z.core.$ZodType;
  /** The value that failed; lets messages show what was received (secret-looking keys are hidden). */
  input?: unknown;
}

/**
 * Turns a failed zod parse into one ConfigError(CONFIG_INVALID) listing every issue with its
 * dotted key, what was expected, what was received and a fix.
 *
 * @example
 * const result = plugin.options.safeParse(entry.options);
 * if (!result.success) {
 *   throw configErrorFromZod(file, result.error, { keyPrefix: `plugins.${alias}.options`, plugin: plugin.name, schema: plugin.options, input: entry.options });
 * }
 */
export function configErrorFromZod(file: string, error: z.ZodError, opts: ZodErrorOptions = {}): ConfigError {
  const problems = error.issues.flatMap((issue) => problemsFromIssue(issue, opts));
  return configErrorFromProblems(ErrorCodes.CONFIG_INVALID, file, problems);
}

const EXPECTED: Record<string, [phrase: string, fix: string]> = {
  string: ["a string", 'Write a string in quotes, e.g. "text".'],
  number: ["a number", "Write a number, without quotes."],
  int: ["a whole number", "Write a whole number, without quotes."],
  boolean: ["true or false", "Write true or false, without quotes."],
  array: ["a list", 'Write a list in brackets, e.g. ["a", "b"].'],
  object: ["a table", "Write a table: a [section] header or an inline { key = value }."],
  record: ["a table", "Write a table: a [section] header or an inline { key = value }."],
};

function problemsFromIssue(issue: z.core.$ZodIssue, opts: ZodErrorOptions): ConfigProblem[] {
  const at = (path: KeyPath, problem: string, fix: string): ConfigProblem => {
    const plugin = opts.plugin ?? (opts.keyPrefix ? undefined : pluginForPath(path, opts.input));
    return { key: formatKeyPath(path, opts.keyPrefix), ...(plugin ? { plugin } : {}), problem, fix };
  };
  const got = received(issue.path, opts);
  const receivedText = got === undefined ? ` (${issue.message})` : `, received ${got}`;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((name) => at([...issue.path, name], "unknown key", unknownKeyFix(name, opts.schema, issue.path)));
    case "invalid_type": {
      const [phrase, fix] = EXPECTED[issue.expected] ?? [`a ${issue.expected}`, `Write a ${issue.expected}.`];
      const value = valueAt(opts.input, issue.path);
      if (opts.input !== undefined && value === undefined)
        return [at(issue.path, `missing: expected ${phrase}`, `Add this required key (${phrase}).`)];
      const dateFix = value instanceof Date && issue.expected === "string" ? `Write it in quotes: "${value.toISOString()}".` : undefined;
      return [at(issue.path, `expected ${phrase}${receivedText}`, dateFix ?? fix)];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = small ? issue.minimum : issue.maximum;
      const bound = issue.inclusive ? `${small ? "at least" : "at most"} ${limit}` : `${small ? "more" : "less"} than ${limit}`;
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return [at(issue.path, `expected ${bound}${unit}${receivedText}`, `Use ${bound}${unit}.`)];
    }
    case "invalid_format": {
      if (issue.format === "url")
        return [at(issue.path, `expected a full URL${receivedText}`, 'Write a full URL with its scheme, e.g. "https://example.com/hook".')];
      if (issue.format === "regex") return [at(issue.path, `${issue.message}${receivedText}`, "Change the value to the form described.")];
      return [at(issue.path, `expected a valid ${issue.format}${receivedText}`, `Write a valid ${issue.format}.`)];
    }
    case "invalid_value": {
      const values = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return [at(issue.path, `expected one of ${values}${receivedText}`, `Use one of: ${values}.`)];
    }
    case "invalid_key": {
      const reason = issue.issues[0]?.message ?? issue.message;
      return [at(issue.path, `the name ${JSON.stringify(String(issue.path.at(-1)))} is not allowed`, `Rename it: ${reason}.`)];
    }
    default:
      return [at(issue.path, issue.message, "Correct the value; config/switchboard.sample.toml documents every key.")];
  }
}

function unknownKeyFix(name: string, schema: z.core.$ZodType | undefined, path: KeyPath): string {
  const known = schema ? knownKeysAt(schema, path) : [];
  if (known.length === 0) return "Remove it, or check the spelling.";
  const guess = suggest(name, known);
  return `Remove it, or check the spelling${guess ? ` (did you mean "${guess}"?)` : ""}; known keys here are: ${known.join(", ")}.`;
}

function received(path: KeyPath, opts: ZodErrorOptions): string | undefined {
  if (opts.input === undefined) return undefined;
  const value = valueAt(opts.input, path);
  const leaf = String(path.findLast((s) => typeof s === "string") ?? "");
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    if (SECRET_KEY.test(leaf)) return `a hidden string of ${value.length} characters`;
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (value instanceof Date) return `an unquoted date (${value.toISOString()})`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object") return "a table";
  return String(value);
}

/** Shape of zod 4 schema definitions, as far as walking object keys needs. */
interface SchemaDef {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  keyType?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
}

const defOf = (schema: z.core.$ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;

/** Steps through default/optional/nullable/pipe wrappers to the schema that does the work. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let def = defOf(schema);
  while (def.innerType || (def.type === "pipe" && def.in)) {
    schema = (def.innerType ?? def.in) as z.core.$ZodType;
    def = defOf(schema);
  }
  return schema;
}

/** The keys an object (or enum-keyed record) schema allows at `path`, or [] when unknown. */
function knownKeysAt(schema: z.core.$ZodType, path: KeyPath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return [];
    const def = defOf(unwrap(current));
    current =
      def.type === "object"
        ? def.shape?.[String(segment)]
        : def.type === "record"
          ? def.valueType
          : def.type === "array"
            ? def.element
            : undefined;
  }
  if (!current) return [];
  const def = defOf(unwrap(current));
  if (def.type === "object") return Object.keys(def.shape ?? {});
  const keyValues = def.type === "record" && def.keyType ? unwrap(def.keyType)._zod.values : undefined;
  return keyValues ? [...keyValues].map(String) : [];
}

/** The known key closest to a misspelt one, if it is close enough to be a likely typo. */
function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (a common typo). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      next[j] = d;
    }
    [before, row] = [row, next];
  }
  return row[b.length] ?? 0;
}
