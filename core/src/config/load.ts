/**
 * Reads config/switchboard.toml: TOML → `${ENV}` interpolation → schema → cross-checks.
 * Every failure is a ConfigError naming the file, the key, the plugin and the fix.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { ConfigError, ErrorCodes } from "../errors/index.ts";
import { type ConfigProblem, configErrorFromProblems, configErrorFromZod } from "./errors.ts";
import { type Env, interpolateEnv } from "./interpolate.ts";
import { configSchema, type LoadedConfig, type SwitchboardConfig } from "./schema.ts";

/**
 * Loads and validates a config file. Relative paths resolve against the working directory.
 *
 * @example
 * const { config, baseDir } = await loadConfig("config/switchboard.toml");
 * console.log(config.server.port); // 3000
 */
export async function loadConfig(path: string, env: Env = process.env): Promise<LoadedConfig> {
  const file = resolve(path);
  return parseConfigText(await readConfigFile(file), file, env);
}

/**
 * Parses and validates config text as if it were read from `file` (used for messages and baseDir).
 *
 * @example
 * const loaded = parseConfigText('[server]\nport = 8080\n', "/srv/switchboard/switchboard.toml", {});
 * loaded.baseDir; // "/srv/switchboard"
 */
export function parseConfigText(text: string, file: string, env: Env = process.env): LoadedConfig {
  const absolute = resolve(file);
  const tree = interpolateEnv(parseToml(text, absolute), absolute, env);
  const result = configSchema.safeParse(tree);
  if (!result.success) throw configErrorFromZod(absolute, result.error, { schema: configSchema, input: tree });
  checkInboxPlugins(absolute, result.data);
  return { file: absolute, baseDir: dirname(absolute), config: result.data };
}

async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
    throw new ConfigError(
      ErrorCodes.CONFIG_NOT_FOUND,
      { file, key: "(file)", fix: `Copy config/switchboard.sample.toml to ${file} and edit it.` },
      "the config file does not exist",
    );
  }
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    const where = `line ${error.line}, column ${error.column}`;
    const fix = `Correct the TOML at ${where} (strings need "quotes", tables are written [name]; see https://toml.io):\n${error.codeblock.trimEnd()}`;
    const configError = new ConfigError(ErrorCodes.CONFIG_SYNTAX, { file, key: "(syntax)", fix }, `invalid TOML at ${where}: ${reason}`);
    Object.assign(configError.details, { line: error.line, column: error.column });
    throw configError;
  }
}

/** Every inbox must name a plugin alias under [plugins], and that plugin must be enabled. */
function checkInboxPlugins(file: string, config: SwitchboardConfig): void {
  const aliases = Object.keys(config.plugins);
  const problems: ConfigProblem[] = [];
  for (const [name, inbox] of Object.entries(config.inboxes)) {
    const where = { key: `inboxes.${name}.plugin`, plugin: inbox.plugin };
    const entry = config.plugins[inbox.plugin];
    if (!entry) {
      const fix =
        aliases.length > 0
          ? `Use one of the plugin aliases under [plugins]: ${aliases.join(", ")}; or add a [plugins.${inbox.plugin}] table with its package.`
          : `Add a [plugins.${inbox.plugin}] table with package = "<npm package or path>".`;
      problems.push({ ...where, problem: `inbox "${name}" uses plugin "${inbox.plugin}", but there is no [plugins.${inbox.plugin}]`, fix });
    } else if (!entry.enabled) {
      problems.push({
        ...where,
        problem: `inbox "${name}" uses plugin "${inbox.plugin}", which is disabled`,
        fix: `Set enabled = true under [plugins.${inbox.plugin}], or remove [inboxes.${name}].`,
      });
    }
  }
  if (problems.length > 0) throw configErrorFromProblems(ErrorCodes.CONFIG_INVALID, file, problems);
}
