/**
 * The servers the ingest, growth, fan-out and footprint benchmarks load: Switchboard started the way
 * a self-hoster starts it (`bun core/bin/switchboard.ts start` on a config file, as a child process
 * with its own event loop and its own memory), and the floor (bench/ingest-floor.ts). Both listen
 * on 127.0.0.1 only and are stopped with SIGTERM by pid.
 */
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";

export const ROOT = resolve(import.meta.dirname, "..");
/** The API channel inbox every benchmark posts to, and its secret. */
export const BENCH_INBOX = "shop";
export const BENCH_SECRET = "bench-secret-0123456789";

export interface ChildServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  readyMs: number;
  /** Resident memory of the process now (VmRSS), in bytes. */
  rss(): number;
  /** Resident memory of the process now, split by kind (see memoryOf). */
  memory(): ResidentMemory;
  /** CPU seconds the process has used so far (user + system). */
  cpuSeconds(): number;
  /** Where its stdout and stderr go. */
  logFile: string;
  stop(): Promise<void>;
}

/** A free loopback port (bound and released at once). */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  void probe.stop(true);
  return port;
}

/** CPU seconds a process has used (Linux: utime + stime from /proc, in clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A process's resident memory in bytes: all of it, and its three kinds. */
export interface ResidentMemory {
  /** VmRSS: the sum of the three below. */
  rss: number;
  /** Anonymous: the JavaScript heap, malloc's arenas, the JIT's code, stacks. */
  anonymous: number;
  /** Pages of mapped files: the runtime's binary, native libraries, memory-mapped database files. */
  file: number;
  /** Shared memory (tmpfs, shm). */
  shmem: number;
}

/**
 * A process's resident memory, split by kind (Linux: VmRSS, RssAnon, RssFile and RssShmem from /proc).
 *
 * @example
 * const { rss, anonymous } = memoryOf(server.pid); // 230e6, 180e6
 */
export function memoryOf(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => {
    const value = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
    if (!value) throw new Error(`No ${field} for process ${pid}`);
    return Number(value) * 1024;
  };
  return { rss: kb("VmRSS"), anonymous: kb("RssAnon"), file: kb("RssFile"), shmem: kb("RssShmem") };
}

/** Resident memory of a process, in bytes (Linux: VmRSS from /proc). */
export function rssOf(pid: number): number {
  return memoryOf(pid).rss;
}

async function waitForHealth(
  url: string,
  started: number,
  child: { exitCode: number | null },
  logFile: string,
  timeoutMs: number,
): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null)
      throw new Error(
        `The server exited with ${child.exitCode} before answering /healthz. Its output:\n${readFileSync(logFile, "utf8").slice(-3000)}`,
      );
    if (performance.now() - started > timeoutMs)
      throw new Error(
        `The server did not answer /healthz within ${timeoutMs} ms. Its output:\n${readFileSync(logFile, "utf8").slice(-3000)}`,
      );
    await Bun.sleep(5);
  }
}

async function spawnServer(
  cmd: string[],
  url: string,
  logFile: string,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ChildServer> {
  const fd = openSync(logFile, "a");
  const started = performance.now();
  const child = Bun.spawn(cmd, { cwd: ROOT, stdout: fd, stderr: fd, stdin: "ignore", env: { ...process.env, ...env } });
  closeSync(fd);
  let readyMs: number;
  try {
    readyMs = await waitForHealth(url, started, child, logFile, timeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    pid: child.pid,
    readyMs,
    logFile,
    rss: () => rssOf(child.pid),
    memory: () => memoryOf(child.pid),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await child.exited;
      clearTimeout(killer);
    },
  };
}

/** Starts the floor on a new database in `dir`. */
export function startFloor(dir: string): Promise<ChildServer> {
  const port = freePort();
  return spawnServer(
    [process.execPath, "bench/ingest-floor.ts", "--db", join(dir, "floor.db"), "--port", String(port)],
    `http://127.0.0.1:${port}`,
    join(dir, "floor.log"),
  );
}

export interface SwitchboardServerOptions {
  /** A folder for the config, the log and (unless `db` is given) a new database. */
  dir: string;
  /** An existing database file (e.g. one bench/seed.ts built). */
  db?: string;
  /** Also declare the seeded inboxes "support" (email) and "whatsapp" with pretend channels. */
  seededInboxes?: boolean;
  /** Merged into the config (plugins and inboxes are merged by key). */
  config?: { plugins?: Record<string, unknown>; inboxes?: Record<string, unknown>; [key: string]: unknown };
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Flags for bun itself, before the script (e.g. ["--smol"]). */
  bunFlags?: string[];
}

/** Writes a Switchboard config for a benchmark and returns its path. */
export function writeBenchConfig(options: SwitchboardServerOptions, port: number): string {
  const { plugins = {}, inboxes = {}, ...rest } = options.config ?? {};
  const config = {
    ...rest,
    server: { port, host: "127.0.0.1" },
    store: { url: `file:${options.db ?? join(options.dir, "switchboard.db")}` },
    plugins: {
      api: { package: join(ROOT, "plugins/channel-api/src/index.ts") },
      ...(options.seededInboxes ? { demo: { package: join(ROOT, "test/e2e/demo-channels.ts") } } : {}),
      ...plugins,
    },
    inboxes: {
      [BENCH_INBOX]: { plugin: "api", options: { secret: BENCH_SECRET } },
      ...(options.seededInboxes
        ? { support: { plugin: "demo", channel: "email" }, whatsapp: { plugin: "demo", channel: "whatsapp" } }
        : {}),
      ...inboxes,
    },
  };
  const file = join(options.dir, "switchboard.toml");
  writeFileSync(file, stringify(config));
  return file;
}

/**
 * Starts `bun core/bin/switchboard.ts start` on a benchmark config, as a child process, and
 * resolves once /healthz answers 200.
 *
 * @example
 * const server = await startSwitchboardServer({ dir: mkdtempSync(join(tmpdir(), "bench-")) });
 * await fetch(`${server.url}/webhooks/shop/messages`, { method: "POST", ... });
 * await server.stop();
 */
export function startSwitchboardServer(options: SwitchboardServerOptions): Promise<ChildServer> {
  const port = freePort();
  const file = writeBenchConfig(options, port);
  return spawnServer(
    [process.execPath, ...(options.bunFlags ?? []), "core/bin/switchboard.ts", "start", "--config", file],
    `http://127.0.0.1:${port}`,
    join(options.dir, "switchboard.log"),
    options.env,
    options.timeoutMs,
  );
}
