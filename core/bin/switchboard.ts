#!/usr/bin/env bun
/**
 * The `switchboard` command line: start, migrate, doctor, create-agent, create-token, backup,
 * contact export / contact erase / contact split, reports rebuild, new-plugin.
 * Each command lives in core/src/cli/<command>.ts and is imported only when it runs (so `backup`
 * does not load the plugins); this file only declares them with commander.
 * Expected errors print `error [SWB_ERR_…]: message` without a stack trace and exit non-zero
 * (2 for a broken config).
 */
import { Argument, Command, Option } from "commander";
import pkg from "../package.json" with { type: "json" };
import { DEFAULT_CONFIG_PATH, reportError } from "../src/cli/common.ts";
import { ErrorCodes } from "../src/errors/index.ts";

const program = new Command("switchboard")
  .description("Self-hosted omnichannel customer support: one inbox, one customer profile, every channel.")
  .version(pkg.version)
  .option("-c, --config <path>", `the config file (default: $SWITCHBOARD_CONFIG, else ${DEFAULT_CONFIG_PATH})`)
  .showHelpAfterError()
  // Usage mistakes (a missing --email, an unknown command) get a code like every other error.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, `error [${ErrorCodes.VALIDATION}]: `)) });

/** The global --config, for a subcommand's action. */
const config = (): string | undefined => program.opts<{ config?: string }>().config;

/** Runs a command; a number result is the exit code, undefined keeps the process running (start). */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args) => {
    let code: number | void;
    try {
      code = await fn(...args);
    } catch (error) {
      code = reportError(error);
    }
    if (typeof code === "number") process.exit(code);
  };
}

program
  .command("start")
  .description("serve the inbox, the REST API and the channel webhooks (creates the first admin on a fresh install)")
  .option("--admin-email <email>", "the email of the admin created on first start", "admin@localhost")
  .action(
    action(async (opts: { adminEmail: string }) => {
      // Before the server is loaded: on success this process is replaced by itself with the options.
      (await import("../src/cli/engine-options.ts")).restartWithEngineOptions();
      return (await import("../src/cli/start.ts")).startCommand({ config: config(), adminEmail: opts.adminEmail });
    }),
  );

program
  .command("migrate")
  .description("apply pending database migrations")
  .action(action(async () => (await import("../src/cli/migrate.ts")).migrateCommand({ config: config() })));

program
  .command("doctor")
  .description("check the config, the database, every plugin and every inbox, and say how to fix what is wrong")
  .action(action(async () => (await import("../src/cli/doctor.ts")).doctorCommand({ config: config() })));

program
  .command("create-agent")
  .description("add an agent; a generated password is printed once")
  .requiredOption("--email <email>", "the agent's email (their login)")
  .requiredOption("--name <name>", "the agent's display name")
  .addOption(new Option("--role <role>", "admin or agent").choices(["admin", "agent"]).default("agent"))
  .option("--password <password>", "set this password instead of generating one (at least 12 characters)")
  .action(
    action(async (opts: { email: string; name: string; role: string; password?: string }) =>
      (await import("../src/cli/create-agent.ts")).createAgentCommand({ config: config(), ...opts }),
    ),
  );

program
  .command("create-token")
  .description("create a REST API token for an agent; it is printed once")
  .requiredOption("--agent <email>", "the agent the token acts as")
  .option("--name <name>", "a label for the token (e.g. the integration using it)", "cli")
  .action(
    action(async (opts: { agent: string; name: string }) =>
      (await import("../src/cli/create-token.ts")).createTokenCommand({ config: config(), ...opts }),
    ),
  );

program
  .command("backup")
  .description("write a consistent copy of the database to <dest> (safe while the server runs)")
  .argument("<dest>", "the backup file to create; it must not exist")
  .action(action(async (dest: string) => (await import("../src/cli/backup.ts")).backupCommand(dest, { config: config() })));

program
  .command("new-plugin")
  .description("write a new plugin package (source, README with every option, a passing test) to start from")
  .addArgument(new Argument("<kind>", "what the plugin does").choices(["channel", "enrich", "route", "assistant"]))
  .argument("<name>", "the plugin's name: lower-case letters, digits and hyphens (e.g. shop-orders)")
  .option("--dir <path>", "the folder to create (default: plugins/<name> when ./plugins exists, else ./<name>)")
  .action(
    action(async (kind: "channel" | "enrich" | "route" | "assistant", name: string, opts: { dir?: string }) =>
      (await import("../src/cli/new-plugin.ts")).newPluginCommand(kind, name, opts),
    ),
  );

const reports = program.command("reports").description("the reports' rollups (docs/kpis.md)");

reports
  .command("rebuild")
  .description("recompute every report sample and the hourly and daily rollups from the raw rows")
  .action(action(async () => (await import("../src/cli/reports-rebuild.ts")).reportsRebuildCommand({ config: config() })));

const contact = program.command("contact").description("one contact's data: export it (GDPR access), erase it (GDPR erasure), or split it");

contact
  .command("export")
  .description("print everything about a contact as JSON (or write it to --out)")
  .argument("<id>", "the contact id (#42 in the inbox)")
  .option("--out <file>", "write to this new file instead of stdout")
  .action(
    action(async (id: string, opts: { out?: string }) =>
      (await import("../src/cli/contact-export.ts")).contactExportCommand(id, { config: config(), ...opts }),
    ),
  );

contact
  .command("erase")
  .description("erase a contact and all their messages, for good (audited)")
  .argument("<id>", "the contact id (#42 in the inbox)")
  .option("--yes", "confirm: this cannot be undone")
  .action(
    action(async (id: string, opts: { yes?: boolean }) =>
      (await import("../src/cli/contact-erase.ts")).contactEraseCommand(id, { config: config(), ...opts }),
    ),
  );

contact
  .command("split")
  .description("give what one inbox brought to a contact its own contact (two customers of different inboxes with the same id; see doctor)")
  .argument("<id>", "the contact id (#42 in the inbox)")
  .option(
    "--inbox <name>",
    "an inbox to split off into a new contact (repeat for several)",
    (name: string, names: string[]) => [...names, name],
    [] as string[],
  )
  .action(
    action(async (id: string, opts: { inbox: string[] }) =>
      (await import("../src/cli/contact-split.ts")).contactSplitCommand(id, { config: config(), ...opts }),
    ),
  );

await program.parseAsync();
