/**
 * Fills `${NAME}` in every string of the parsed config from the environment, so secrets stay
 * out of the file. `${NAME:-default}` gives a default and `$${` writes a literal `${`.
 */
import { ErrorCodes } from "../errors/index.ts";
import { type ConfigProblem, configErrorFromProblems, formatKeyPath, pluginForPath } from "./errors.ts";

/** The environment to read from; `process.env` fits. */
export type Env = Record<string, string | undefined>;

/** `$${` (an escaped `${`), or `${…}` up to `}` or the end of the string (unclosed). */
const REFERENCE = /\$\$\{|\$\{([^}]*)(\}?)/g;
const INSIDE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Returns a copy of `tree` with `${NAME}` replaced in every string, deeply (arrays too).
 * A variable that is unset or empty and has no default is an error; all of them are reported
 * at once in one ConfigError(CONFIG_ENV_MISSING). Options of plugins with `enabled = false`
 * are left as written, so a disabled plugin's secrets need not be set.
 *
 * @example
 * interpolateEnv({ inboxes: { api: { options: { secret: "${API_SECRET}" } } } }, "/etc/switchboard.toml", { API_SECRET: "s3cret" });
 * // → { inboxes: { api: { options: { secret: "s3cret" } } } }
 * interpolateEnv({ a: "${PORT:-3000} costs $${HOME}" }, "f.toml", {}); // → { a: "3000 costs ${HOME}" }
 */
export function interpolateEnv<T>(tree: T, file: string, env: Env = process.env): T {
  const missing: ConfigProblem[] = [];
  const malformed: ConfigProblem[] = [];
  const missingNames = new Set<string>();

  const replace = (text: string, path: PropertyKey[]): string =>
    text.replace(REFERENCE, (match: string, inside: string | undefined, closed: string | undefined) => {
      if (match === "$${") return "${";
      const where = { key: formatKeyPath(path), ...withPlugin(pluginForPath(path, tree)) };
      const parts = closed ? INSIDE.exec(inside ?? "") : null;
      if (!parts?.[1]) {
        malformed.push({
          ...where,
          problem: `"${match}" is not a valid variable reference`,
          fix: "Write ${NAME} (letters, digits and _), ${NAME:-default}, or $${ for a literal ${.",
        });
        return match;
      }
      const [, name, fallback] = parts;
      const value = env[name];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback;
      missingNames.add(name);
      missing.push({
        ...where,
        problem: `environment variable ${name} is ${value === "" ? "empty" : "not set"}`,
        fix: `Set ${name} in the environment, e.g. \`export ${name}=...\`, or give a default with \${${name}:-value}.`,
      });
      return match;
    });

  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === "string") return replace(value, path);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (!isPlainObject(value) || isDisabledPlugin(value, path)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
  };

  const result = visit(tree, []) as T;
  if (malformed.length > 0) throw configErrorFromProblems(ErrorCodes.CONFIG_INVALID, file, malformed);
  if (missing.length > 0) {
    const names = [...missingNames];
    const error = configErrorFromProblems(ErrorCodes.CONFIG_ENV_MISSING, file, missing, `not set in the environment: ${names.join(", ")}`);
    error.details.variables = names;
    throw error;
  }
  return result;
}

function withPlugin(plugin: string | undefined): { plugin?: string } {
  return plugin ? { plugin } : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isDisabledPlugin(value: Record<string, unknown>, path: readonly PropertyKey[]): boolean {
  return path.length === 2 && path[0] === "plugins" && value.enabled === false;
}
