/**
 * `switchboard doctor`: checks the config, the database (reachable, pending migrations), the
 * cluster (one process, or Redis reachable: doctor-cluster.ts), each plugin's setup and each
 * inbox's health, and prints ✓/✗ lines that say what is wrong and how to fix it. It never starts
 * receiving and never changes the database: plugins are checked against the real database with
 * migrations switched off, or against a scratch copy of the schema when the real
 * one is missing, unreachable or behind. It also lists contacts who hold one external id from two
 * inboxes of an inbox-scoped channel, with the command that splits them (doctor-identities.ts).
 * `✓` marks a healthy fact, `!` what needs a person's attention, `✗` a failure. A broken config lists
 * every problem with its own fix. Exit code 2 for a broken config, 1 when anything else failed.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigProblem } from "../config/errors.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, SwitchboardError } from "../errors/index.ts";
import { openStore, resolveStoreUrl, type Store } from "../store/index.ts";
import { createSwitchboard } from "../switchboard.ts";
import { cliLogger, ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { clusterCheck } from "./doctor-cluster.ts";
import { identityChecks } from "./doctor-identities.ts";
import { migrationStatus } from "./migrations.ts";
import { checkLine, clause, counted } from "./output.ts";

/** Collects check lines and counts failures. */
class Report {
  failures = 0;
  warnings = 0;
  configBroken = false;
  constructor(readonly print: (line: string) => void) {}
  ok(label: string, detail?: string): void {
    this.print(checkLine("ok", label, detail));
  }
  warn(label: string, detail: string): void {
    this.warnings++;
    this.print(checkLine("warn", label, detail));
  }
  fail(label: string, detail: string): void {
    this.failures++;
    this.print(checkLine("fail", label, detail));
  }
  /** One ✗ line per config problem (a ConfigError may carry several), each with its key, plugin and fix. */
  configFailed(label: string, error: ConfigError): void {
    this.configBroken = true;
    const problems = (error.details.problems as ConfigProblem[] | undefined) ?? [];
    if (problems.length === 0) {
      this.fail(label, describe(error));
      return;
    }
    const { file } = error.location;
    for (const p of problems)
      this.fail(label, `[${error.code}] ${file}: ${p.key}${p.plugin ? ` (plugin "${p.plugin}")` : ""}: ${p.problem}. Fix: ${p.fix}`);
  }
  /** The closing line and the exit code: 2 for a broken config, 1 for any other failure. */
  finish(): number {
    const attention =
      this.warnings > 0 ? `; ${counted(this.warnings, "warning")} above ${this.warnings === 1 ? "needs" : "need"} attention` : "";
    if (this.failures === 0) this.print(`All checks passed${attention}.`);
    else
      this.print(
        `${counted(this.failures, "problem")} found${attention}.${this.configBroken ? " Fix the config first, then run doctor again." : ""}`,
      );
    return this.configBroken ? ExitCode.CONFIG : this.failures === 0 ? ExitCode.OK : ExitCode.FAILED;
  }
}

const describe = (error: SwitchboardError) => `[${error.code}] ${error.message}`;

export async function doctorCommand(options: { config?: string }, print: (line: string) => void = console.log): Promise<number> {
  const report = new Report(print);
  let loaded: LoadedConfig;
  try {
    loaded = await loadCliConfig(options.config);
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    if (error instanceof ConfigError) report.configFailed("config", error);
    else report.fail("config", describe(error));
    return report.finish();
  }
  const { plugins, inboxes } = loaded.config;
  report.ok(
    "config",
    `${loaded.file} (${counted(Object.keys(plugins).length, "plugin")}, ${counted(Object.keys(inboxes).length, "inbox", "inboxes")})`,
  );
  checkPlaceholders(loaded, report);

  const real = await checkDatabase(loaded, report);
  const cluster = await clusterCheck(loaded);
  report[cluster.state](cluster.label, cluster.detail);
  await checkPluginsAndInboxes(loaded, real, report);

  return report.finish();
}

/** Warns about secrets still holding the shipped placeholder value. */
function checkPlaceholders(loaded: LoadedConfig, report: Report): void {
  const tables = [
    ...Object.entries(loaded.config.plugins).map(([alias, entry]) => [`plugins.${alias}.options`, entry.options] as const),
    ...Object.entries(loaded.config.inboxes).map(([name, entry]) => [`inboxes.${name}.options`, entry.options] as const),
  ];
  for (const [prefix, options] of tables) {
    for (const [key, value] of Object.entries(options)) {
      if (typeof value === "string" && value.includes("change-me")) {
        report.warn(
          `${prefix}.${key}`,
          "still the placeholder from the shipped config; set a secret of your own before going live (e.g. $(openssl rand -hex 32) in the environment variable the config reads)",
        );
      }
    }
  }
}

/** Opens the database read-only in spirit (SELECT 1, migration table). Returns it when it is usable for the plugin checks. */
async function checkDatabase(loaded: LoadedConfig, report: Report): Promise<Store | undefined> {
  const { url } = loaded.config.store;
  const fileUrl = url.startsWith("file:");
  let store: Store | undefined;
  try {
    store = await openWithoutCreating(loaded);
    if (!store) {
      report.ok(
        "database",
        `none yet at ${url} (store.url, relative to ${loaded.baseDir}); \`switchboard start\` or \`switchboard migrate\` creates it`,
      );
      return undefined;
    }
    await store.client.execute("SELECT 1");
  } catch (error) {
    store?.close();
    const fix = fileUrl
      ? "check store.url and that its folder is writable"
      : "check store.url and store.auth_token, and that the libSQL server is running and reachable";
    report.fail("database", `${clause((error as Error).message)}. Fix: ${fix}.`);
    return undefined;
  }
  const status = await migrationStatus(store);
  const where = store.filePath ?? store.url;
  if (status.pending.length > 0) {
    report.warn(
      "database",
      `${where} answers, but ${counted(status.pending.length, "migration is", "migrations are")} pending (${status.pending.join(", ")}); run \`switchboard migrate\` (start applies them too)`,
    );
    store.close();
    return undefined;
  }
  report.ok("database", `${where} answers; ${counted(status.applied.length, "migration")} applied, none pending`);
  return store;
}

/** Opens the configured store, or returns undefined for a file database that does not exist yet (doctor creates nothing). */
async function openWithoutCreating(loaded: LoadedConfig): Promise<Store | undefined> {
  const { filePath } = resolveStoreUrl(loaded.config.store.url, loaded.baseDir);
  if (filePath && !existsSync(filePath)) return undefined;
  return openConfiguredStore(loaded);
}

/** Builds the switchboard (without starting it) and reports each plugin and each inbox. */
async function checkPluginsAndInboxes(loaded: LoadedConfig, real: Store | undefined, report: Report): Promise<void> {
  let scratchDir: string | undefined;
  let store: Store;
  if (real) {
    store = { ...real, migrate: async () => {} };
  } else {
    scratchDir = mkdtempSync(join(tmpdir(), "switchboard-doctor-"));
    store = await openStore({ url: `file:${join(scratchDir, "doctor.db")}` });
    await store.migrate();
    report.ok("scratch database", "plugins are checked against a temporary copy of the schema");
  }
  try {
    let switchboard: Awaited<ReturnType<typeof createSwitchboard>>;
    try {
      switchboard = await createSwitchboard(loaded, { store, log: cliLogger("silent") });
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      store.close();
      if (error instanceof ConfigError) report.configFailed("plugins and inboxes", error);
      else report.fail("plugins and inboxes", describe(error));
      return;
    }
    for (const plugin of switchboard.registry.plugins) {
      const label = `plugin ${plugin.alias} (${plugin.name} ${plugin.version})`;
      if (plugin.state === "started") report.ok(label, "set up");
      else
        report.fail(
          label,
          `${plugin.state}: [${plugin.error?.code}] ${plugin.error?.message} Fix the options under [plugins.${plugin.alias}], or set enabled = false there.`,
        );
    }
    for (const inbox of switchboard.inboxes.list()) {
      const label = `inbox ${inbox.name} (${inbox.channel} channel)`;
      const health = await switchboard.inboxes.health(inbox.name);
      if (!health.ok) report.fail(label, health.message ?? "unhealthy");
      else if (health.attention) report.warn(label, health.message ?? "needs attention");
      else report.ok(label, health.message ?? "healthy");
    }
    if (real)
      for (const check of await identityChecks(store.db, switchboard.inboxes.list())) report[check.state](check.label, check.detail);
    await switchboard.stop();
  } finally {
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}
