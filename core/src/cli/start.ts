/**
 * `switchboard start`: loads the config, builds the switchboard, serves HTTP with Bun, starts the
 * inboxes and workers, creates the first admin on a fresh install (its password is printed once),
 * prints where to go and how each plugin and inbox is doing, and shuts down gracefully on SIGINT or
 * SIGTERM (stop taking requests, let in-flight ones finish, stop the switchboard, flush the logs).
 */
import { countAgents, createAgent } from "../auth/agents.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { serveHttp } from "../http/serve.ts";
import { createLogger, type Logger } from "../log/index.ts";
import { createSwitchboard, type Switchboard, VERSION } from "../switchboard.ts";
import { ExitCode, loadCliConfig } from "./common.ts";
import { box, clause, displayUrl } from "./output.ts";

export interface StartOptions {
  config?: string;
  /** The email of the admin created on a fresh install (default admin@localhost). */
  adminEmail?: string;
}

type Server = ReturnType<typeof serveHttp>;

/** How long in-flight requests get to finish on shutdown before their connections are closed. */
const DRAIN_MS = 10_000;

/** Starts Switchboard. Resolves once it is serving; the process then runs until a signal stops it. */
export async function startCommand(options: StartOptions, print: (line: string) => void = console.log): Promise<void> {
  const loaded = await loadCliConfig(options.config);
  const log = createLogger();
  const switchboard = await createSwitchboard(loaded, { log });
  let server: Server;
  try {
    server = listen(loaded, switchboard);
  } catch (error) {
    await switchboard.stop();
    throw error;
  }
  // Only once listening worked: an admin created by a start that then fails would never see its password.
  let admin: { email: string; password: string } | undefined;
  try {
    admin = await createFirstAdmin(switchboard, options.adminEmail ?? "admin@localhost");
  } catch (error) {
    await server.stop(true);
    await switchboard.stop();
    throw error;
  }
  onSignals(() => shutdown(server, switchboard, log));
  await switchboard.start();

  const url = displayUrl(loaded.config.server.host, server.port ?? loaded.config.server.port);
  print(`Switchboard ${VERSION}`);
  print(`Switchboard listening on ${url}`);
  if (loaded.config.server.public_url) print(`Public URL: ${loaded.config.server.public_url}`);
  print(`Config: ${loaded.file}`);
  print(`Database: ${switchboard.store.filePath ?? switchboard.store.url}`);
  print(`REST API: ${url}/api/v1 (docs: ${url}/api/docs; create a token with \`switchboard create-token --agent <email>\`)`);
  if (admin) {
    print(
      box([
        "First start: an admin account was created.",
        `Email:    ${admin.email}`,
        `Password: ${admin.password}`,
        "This password is shown only once. Store it in a password manager now.",
      ]),
    );
  }
  printStatus(switchboard, print);
  print("Ready. Press Ctrl+C to stop.");
  log.info({ url, port: server.port, version: VERSION }, "switchboard started");
}

function listen(loaded: LoadedConfig, switchboard: Switchboard): Server {
  const { port, host } = loaded.config.server;
  try {
    return serveHttp({ port, hostname: host, fetch: switchboard.app.fetch, log: switchboard.log });
  } catch (error) {
    throw new ConfigError(
      ErrorCodes.CONFIG_INVALID,
      { file: loaded.file, key: "server.port", fix: "Stop the program using that port, or choose another port (0 picks a free one)." },
      `cannot listen on ${host}:${port}: ${clause((error as Error).message)}`,
    );
  }
}

/** On a fresh install (no agents), creates an admin and returns its password, to be shown once. */
async function createFirstAdmin(switchboard: Switchboard, email: string): Promise<{ email: string; password: string } | undefined> {
  if ((await countAgents(switchboard.store)) > 0) return undefined;
  let created: Awaited<ReturnType<typeof createAgent>>;
  try {
    created = await createAgent(switchboard.store, { email, name: "Admin", role: "admin" });
  } catch (error) {
    // Another process starting on the same database at the same moment created it (and shows its password).
    if (error instanceof SwitchboardError && error.code === ErrorCodes.CONFLICT) {
      switchboard.log.info({ email }, "the first admin was created by another process starting at the same time");
      return undefined;
    }
    throw error;
  }
  const { agent, password } = created;
  switchboard.log.info({ agent: agent.id, email: agent.email }, "created the first admin");
  return { email: agent.email, password };
}

function printStatus(switchboard: Switchboard, print: (line: string) => void): void {
  print("Plugins:");
  if (switchboard.registry.plugins.length === 0) print("  (none configured)");
  for (const p of switchboard.registry.plugins) {
    const mark = p.state === "started" ? "✓" : "✗";
    print(`  ${mark} ${p.alias} (${p.name} ${p.version}): ${p.state}${p.error ? ` [${p.error.code}] ${p.error.message}` : ""}`);
  }
  print("Inboxes:");
  const inboxes = switchboard.inboxes.list();
  if (inboxes.length === 0) print("  (none configured)");
  for (const inbox of inboxes) {
    const mark = inbox.state === "running" || inbox.state === "ready" || inbox.state === "standby" ? "✓" : "✗";
    print(`  ${mark} ${inbox.name} (${inbox.channel} channel): ${inbox.state}${inbox.error ? ` ${inbox.error}` : ""}`);
  }
  if (inboxes.some((inbox) => inbox.state === "failed" || inbox.state === "unavailable"))
    print("Run `switchboard doctor` for details on what failed and how to fix it.");
}

/** Calls `stop` on the first SIGINT/SIGTERM; a second one exits at once. */
function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting.\n`);
      process.exit(ExitCode.FAILED);
    }
    stopping = true;
    void stop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

async function shutdown(server: Server, switchboard: Switchboard, log: Logger): Promise<void> {
  let code: number = ExitCode.OK;
  try {
    log.info("shutting down: finishing in-flight requests");
    const drained = await Promise.race([server.stop().then(() => true), Bun.sleep(DRAIN_MS).then(() => false)]);
    if (!drained) {
      log.warn({ afterMs: DRAIN_MS }, "requests still running; closing their connections");
      await server.stop(true);
    }
    await switchboard.stop();
    log.info("stopped");
  } catch (error) {
    code = ExitCode.FAILED;
    log.error({ error: describeError(error) }, "shutdown failed");
  }
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  process.exit(code);
}
