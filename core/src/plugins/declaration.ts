/**
 * What a plugin declares about itself, checked before its options are read: the core versions it
 * supports (a semver range, checked with the `semver` package, as Fastify checks `fastify: "5.x"`)
 * and one name for its options schema (`options`, or `config`, its deprecated name; never both).
 */
import semver from "semver";
import type { z } from "zod";
import type { LoadedConfig, PluginEntry } from "../config/schema.ts";
import { ConfigError, ErrorCodes } from "../errors/index.ts";
import { VERSION } from "../version.ts";
import type { SwitchboardPlugin } from "./types.ts";

interface Declared {
  loaded: LoadedConfig;
  alias: string;
  entry: PluginEntry;
  plugin: SwitchboardPlugin;
}

/**
 * The plugin's options schema, or a ConfigError: a `core` range that leaves out `coreVersion`
 * (SWB_ERR_PLUGIN_CORE_VERSION, naming both versions), a `core` that is no range, or both
 * `options` and `config` (SWB_ERR_PLUGIN_INVALID).
 *
 * @example
 * const checked = checkDeclaration({ loaded, alias: "tg", entry, plugin });
 * if (checked instanceof ConfigError) invalid.push(checked);
 */
export function checkDeclaration(
  { loaded, alias, entry, plugin }: Declared,
  coreVersion = VERSION,
): { schema: z.ZodType | undefined } | ConfigError {
  const where = { file: loaded.file, key: `plugins.${alias}.package`, plugin: plugin.name };
  if (plugin.core !== undefined) {
    const range = typeof plugin.core === "string" ? semver.validRange(plugin.core) : null;
    if (!range) {
      return new ConfigError(
        ErrorCodes.PLUGIN_INVALID,
        { ...where, fix: `Its author must write "core" as a semver range such as "^1.0.0" or "1.x".` },
        `declares core ${JSON.stringify(plugin.core)}, which is not a version range`,
      );
    }
    if (!semver.satisfies(coreVersion, range, { includePrerelease: true })) {
      return new ConfigError(
        ErrorCodes.PLUGIN_CORE_VERSION,
        {
          ...where,
          fix: `Install a version of "${entry.package}" made for @switchboard/core ${semver.major(coreVersion)}.x, or run a Switchboard whose core is in ${plugin.core}.`,
        },
        `"${plugin.name}" ${plugin.version} supports @switchboard/core ${plugin.core}, but this Switchboard runs core ${coreVersion}`,
      );
    }
  }
  if (plugin.options && plugin.config) {
    return new ConfigError(
      ErrorCodes.PLUGIN_INVALID,
      { ...where, fix: `Its author must keep "options" and remove "config" (the deprecated name of the same schema).` },
      `declares both "options" and "config"`,
    );
  }
  return { schema: plugin.options ?? plugin.config };
}
