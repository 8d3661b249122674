/**
 * Imports a module the config names (a plugin, a theme): an npm package resolved from the config's
 * folder, or a path relative to it. A module that cannot be found or fails to load is a ConfigError
 * naming the key.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, ErrorCodes } from "../errors/index.ts";
import type { LoadedConfig } from "./schema.ts";

/** True for "./x", "../x" and absolute paths; false for package names. */
export function isModulePath(specifier: string): boolean {
  return specifier.startsWith(".") || isAbsolute(specifier);
}

/**
 * Imports `specifier` for the config key `key`.
 *
 * @example
 * const module = await importConfiguredModule(loaded, "@switchboard/theme-default", "theme.package");
 */
export async function importConfiguredModule(loaded: LoadedConfig, specifier: string, key: string): Promise<Record<string, unknown>> {
  const where = { file: loaded.file, key };
  let target: string;
  if (isModulePath(specifier)) {
    const path = resolve(loaded.baseDir, specifier);
    if (!existsSync(path))
      throw new ConfigError(
        ErrorCodes.PLUGIN_NOT_FOUND,
        { ...where, fix: `Check the path; it is resolved from ${loaded.baseDir}.` },
        `nothing at "${path}"`,
      );
    target = pathToFileURL(path).href;
  } else {
    try {
      target = pathToFileURL(createRequire(join(loaded.baseDir, "package.json")).resolve(specifier)).href;
    } catch {
      target = specifier;
    }
  }
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const missing = /Cannot find (module|package)/i.test((error as Error).message);
    throw new ConfigError(
      missing ? ErrorCodes.PLUGIN_NOT_FOUND : ErrorCodes.PLUGIN_INVALID,
      {
        ...where,
        fix: missing
          ? `Install it (npm install ${specifier}) or check the name.`
          : "Fix the error in its code, or remove it from the config.",
      },
      missing ? `unknown module "${specifier}": it is not installed` : `"${specifier}" failed to load: ${(error as Error).message}`,
    );
  }
}
