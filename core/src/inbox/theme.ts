/**
 * Themes: a theme is CSS (variables, mostly) plus optional JSX slot overrides. The config picks one
 * (`[theme] package`), may add an override stylesheet (`[theme] css`) and a mode (auto, light, dark).
 * The inbox serves the theme's CSS after its own base stylesheet, under a content-hashed URL.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { importConfiguredModule } from "../config/import-module.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, ErrorCodes } from "../errors/index.ts";

/** The named places of the inbox layout a theme may render itself. */
export type ThemeSlot = "brand" | "login.aside" | "conversation.empty" | "footer";

export interface SwitchboardTheme {
  name: string;
  /** Absolute paths of the theme's CSS files, loaded in order. */
  stylesheets: string[];
  /** Replacements for named slots of the layout. */
  slots?: Partial<Record<ThemeSlot, (props: Record<string, unknown>) => unknown>>;
}

/**
 * Declares a theme (an identity function, for types).
 *
 * @example
 * export default defineTheme({
 *   name: "acme",
 *   stylesheets: [fileURLToPath(new URL("./acme.css", import.meta.url))],
 *   slots: { brand: () => <strong>ACME Support</strong> },
 * });
 */
export function defineTheme(theme: SwitchboardTheme): SwitchboardTheme {
  return theme;
}

export interface LoadedTheme {
  name: string;
  mode: "auto" | "light" | "dark";
  /** The theme's stylesheets and the config's override, concatenated. */
  css: string;
  slots: NonNullable<SwitchboardTheme["slots"]>;
}

const themeShape = z.object({
  name: z.string().min(1),
  stylesheets: z.array(z.string()),
  slots: z.record(z.string(), z.function()).optional(),
});

function readStylesheet(path: string, file: string, key: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      ErrorCodes.CONFIG_INVALID,
      { file, key, fix: "Check that the file exists and can be read." },
      `cannot read the stylesheet ${path}: ${(error as Error).message}`,
    );
  }
}

/** Loads the configured theme. Throws ConfigError for a missing or malformed theme or override file. */
export async function loadTheme(loaded: LoadedConfig): Promise<LoadedTheme> {
  const { theme: config } = loaded.config;
  const module = await importConfiguredModule(loaded, config.package, "theme.package");
  const parsed = themeShape.safeParse(module.default);
  if (!parsed.success) {
    throw new ConfigError(
      ErrorCodes.PLUGIN_INVALID,
      { file: loaded.file, key: "theme.package", fix: "Its default export must be defineTheme({ name, stylesheets })." },
      `"${config.package}" is not a Switchboard theme`,
    );
  }
  const theme = module.default as SwitchboardTheme;
  const parts = theme.stylesheets.map((path) => readStylesheet(path, loaded.file, "theme.package"));
  if (config.css) parts.push(readStylesheet(resolve(loaded.baseDir, config.css), loaded.file, "theme.css"));
  return { name: theme.name, mode: config.mode, css: parts.join("\n"), slots: theme.slots ?? {} };
}
