/**
 * Loads the plugins named in the config: imports each (npm package or local path), checks its shape,
 * the core versions it supports and its options, orders them by `requires`, then runs each setup under a timeout. A config problem
 * stops start-up with a ConfigError; a plugin whose setup throws or hangs is disabled, reported, and
 * the server boots without it (and without the plugins that require it).
 */
import type { Hono } from "hono";
import { z } from "zod";
import { configErrorFromZod, throwCollected } from "../config/errors.ts";
import { importConfiguredModule } from "../config/import-module.ts";
import type { LoadedConfig, PluginEntry } from "../config/schema.ts";
import { ConfigError, describeError, ErrorCodes } from "../errors/index.ts";
import { type CoreServices, createPluginContext } from "./context.ts";
import { checkDeclaration } from "./declaration.ts";
import { withTimeout } from "./hooks.ts";
import type { PluginStatus } from "./registry.ts";
import type { SwitchboardPlugin } from "./types.ts";

interface LoadedPlugin {
  alias: string;
  entry: PluginEntry;
  plugin: SwitchboardPlugin;
  options: unknown;
}

const pluginShape = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  requires: z.array(z.string()).optional(),
  setup: z.function(),
});

/** Imports and validates every enabled plugin, in dependency order. Throws ConfigError on any config problem. */
export async function resolvePlugins(loaded: LoadedConfig): Promise<LoadedPlugin[]> {
  const plugins: LoadedPlugin[] = [];
  const invalid: ConfigError[] = [];
  for (const [alias, entry] of Object.entries(loaded.config.plugins)) {
    if (!entry.enabled) continue;
    const module = await importConfiguredModule(loaded, entry.package, `plugins.${alias}.package`);
    const shape = pluginShape.safeParse(module.default);
    if (!shape.success) {
      throw new ConfigError(
        ErrorCodes.PLUGIN_INVALID,
        {
          file: loaded.file,
          key: `plugins.${alias}.package`,
          fix: "Its default export must be definePlugin({ name, version, setup }). Check that the package is a Switchboard plugin.",
        },
        `"${entry.package}" is not a Switchboard plugin`,
      );
    }
    const plugin = module.default as SwitchboardPlugin;
    const declared = checkDeclaration({ loaded, alias, entry, plugin });
    if (declared instanceof ConfigError) {
      invalid.push(declared);
      continue;
    }
    let options: unknown = entry.options;
    if (declared.schema) {
      const parsed = declared.schema.safeParse(entry.options);
      if (!parsed.success) {
        invalid.push(
          configErrorFromZod(loaded.file, parsed.error, {
            keyPrefix: `plugins.${alias}.options`,
            plugin: plugin.name,
            schema: declared.schema,
            input: entry.options,
          }),
        );
        continue;
      }
      options = parsed.data;
    }
    plugins.push({ alias, entry, plugin, options });
  }
  throwCollected(loaded.file, invalid);
  return orderByDependencies(loaded, plugins);
}

function orderByDependencies(loaded: LoadedConfig, plugins: LoadedPlugin[]): LoadedPlugin[] {
  const byName = new Map(plugins.map((p) => [p.plugin.name, p]));
  const ordered: LoadedPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  // Visited by alias: one plugin loaded under two aliases (two configurations) starts twice.
  const visit = (p: LoadedPlugin, path: string[]) => {
    const name = p.plugin.name;
    if (state.get(p.alias) === "done") return;
    if (state.get(p.alias) === "visiting") {
      throw new ConfigError(
        ErrorCodes.PLUGIN_DEPENDENCY,
        { file: loaded.file, key: `plugins.${p.alias}`, plugin: name, fix: "Break the cycle; plugins cannot require each other." },
        `dependency cycle: ${[...path, name].join(" → ")}`,
      );
    }
    state.set(p.alias, "visiting");
    for (const required of p.plugin.requires ?? []) {
      const dependency = byName.get(required);
      if (!dependency) {
        throw new ConfigError(
          ErrorCodes.PLUGIN_DEPENDENCY,
          {
            file: loaded.file,
            key: `plugins.${p.alias}`,
            plugin: name,
            fix: `Add the plugin "${required}" under [plugins] (and enable it).`,
          },
          `requires the plugin "${required}", which is not configured`,
        );
      }
      visit(dependency, [...path, name]);
    }
    state.set(p.alias, "done");
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}

/** Runs each plugin's setup in order, under its timeout. Returns the status of every plugin. */
export async function startPlugins(
  services: CoreServices,
  plugins: LoadedPlugin[],
  mount: (path: string, app: Hono) => void,
): Promise<PluginStatus[]> {
  const failed = new Set<string>();
  for (const { alias, entry, plugin, options } of plugins) {
    const status: PluginStatus = { alias, name: plugin.name, version: plugin.version, package: entry.package, state: "started" };
    services.registry.plugins.push(status);
    const blocker = (plugin.requires ?? []).find((name) => failed.has(name));
    if (blocker) {
      status.state = "disabled";
      status.error = {
        code: ErrorCodes.PLUGIN_DEPENDENCY,
        message: `Disabled because the plugin "${blocker}" it requires failed to start.`,
      };
      failed.add(plugin.name);
      services.log.error({ plugin: plugin.name, requires: blocker }, status.error.message);
      continue;
    }
    const pending = createPluginContext(services, plugin.name, options, alias);
    try {
      await withTimeout(
        Promise.resolve().then(() => plugin.setup(pending.ctx as never)),
        entry.setup_timeout_ms,
        `Setup of plugin "${plugin.name}"`,
        {
          code: ErrorCodes.PLUGIN_SETUP_TIMEOUT,
        },
      );
      pending.commit(mount);
      services.log.info({ plugin: plugin.name, version: plugin.version }, "plugin started");
    } catch (error) {
      const described = describeError(error);
      status.state = "failed";
      status.error = { code: described.code ?? ErrorCodes.PLUGIN_SETUP_FAILED, message: described.message };
      failed.add(plugin.name);
      services.log.error(
        { plugin: plugin.name, error: described },
        "plugin failed to start and is disabled; the server goes on without it",
      );
    }
  }
  services.registry.seal();
  return services.registry.plugins;
}
