/**
 * `switchboard new-plugin <channel|enrich|route|assistant> <name>`: writes a working plugin
 * package from core/templates/plugin (package.json, src/index.ts, a README listing every option
 * and a test with @switchboard/core/testing). It writes into a temporary sibling folder and renames
 * it into place, so a failure leaves nothing half-written; it never overwrites a folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { ExitCode } from "./common.ts";

export const PLUGIN_KINDS = ["channel", "enrich", "route", "assistant"] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

const TEMPLATES = fileURLToPath(new URL("../../templates/plugin/", import.meta.url));
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DESCRIPTIONS: Record<PluginKind, string> = {
  channel: "A Switchboard channel: customers' messages arrive on a webhook, replies go to a reply URL.",
  enrich: "A Switchboard enrichment: names a contact's company from their email domain.",
  route: "A Switchboard routing strategy: a word in the first message picks the agent.",
  assistant: "A Switchboard assistant: canned reply suggestions and a signature on drafts.",
};

/**
 * Writes a new plugin package of `kind` named `name` into `dir` (default: plugins/<name> when a
 * plugins/ folder is here, else ./<name>), and returns the folder written.
 *
 * @example
 * const dir = newPlugin("enrich", "shop-orders", { cwd: "/srv/switchboard" });
 * // dir = /srv/switchboard/plugins/shop-orders, holding package.json, README.md, src/index.ts, src/index.test.ts
 */
export function newPlugin(kind: PluginKind, name: string, options: { dir?: string; cwd?: string } = {}): string {
  if (!NAME.test(name) || name.length > 40) {
    throw new SwitchboardError(
      ErrorCodes.NEW_PLUGIN_NAME,
      `"${name}" cannot name a plugin. Use 1 to 40 lower-case letters, digits and single hyphens, starting with a letter (e.g. "shop-orders").`,
      { name },
    );
  }
  const cwd = options.cwd ?? process.cwd();
  const target = resolve(cwd, options.dir ?? (existsSync(join(cwd, "plugins")) ? join("plugins", name) : name));
  if (existsSync(target)) {
    throw new SwitchboardError(
      ErrorCodes.NEW_PLUGIN_EXISTS,
      `${target} already exists; new-plugin never overwrites. Pick another name, or pass --dir <a new folder>.`,
      { dir: target },
    );
  }
  const values: Record<string, string> = { name, package: `switchboard-plugin-${name}`, description: DESCRIPTIONS[kind] };
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    writeTemplate(join(TEMPLATES, "package.json.tpl"), join(staging, "package.json"), values);
    for (const file of listFiles(join(TEMPLATES, kind))) {
      writeTemplate(join(TEMPLATES, kind, file), join(staging, file.replace(/\.tpl$/, "")), values);
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return target;
}

/** The CLI command: writes the plugin and says what to do next. */
export async function newPluginCommand(kind: PluginKind, name: string, options: { dir?: string }): Promise<number> {
  const dir = newPlugin(kind, name, options);
  const shown = relative(process.cwd(), dir) || ".";
  process.stdout.write(
    `Wrote a ${kind} plugin to ${shown}.\nNext: cd ${shown} && bun --bun vitest run --pool=threads\nThen name it in config/switchboard.toml:\n  [plugins.${name}]\n  package = "${shown.startsWith(".") ? shown : `./${shown}`}/src/index.ts"   # or "switchboard-plugin-${name}" once installed\n`,
  );
  return ExitCode.OK;
}

function writeTemplate(from: string, to: string, values: Record<string, string>): void {
  const text = readFileSync(from, "utf8").replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
}

/** Files under `dir`, as paths relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix)).flatMap((entry) => {
    const path = join(prefix, entry);
    return statSync(join(dir, path)).isDirectory() ? listFiles(dir, path) : [path];
  });
}
