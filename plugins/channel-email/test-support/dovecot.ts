/**
 * A real Dovecot IMAP server for integration tests: its own config file, a free loopback port, a
 * temporary maildir and a passwd-file with one user. Runs Debian's `/usr/sbin/dovecot` (package
 * `dovecot-imapd`) in the foreground as a child process, and removes everything on stop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "./net.ts";

/** Where Debian's `dovecot-imapd` package puts the server. */
export const DOVECOT_BINARY = "/usr/sbin/dovecot";

/** Mail is stored as `nobody`: Dovecot refuses to run a mail process as root (uid 0). */
const MAIL_UID = 65534;
const MAIL_GID = 65534;

/** True when Dovecot is installed; the IMAP tests skip (saying why) when it is not. */
export const dovecotAvailable = existsSync(DOVECOT_BINARY);

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The server's own log, for a failing test's message. */
  log(): string;
  /** Stops the server process but keeps its mail and port, for `start()` to bring it back (a server outage). */
  halt(): Promise<void>;
  /** Starts the server again after `halt()`, on the same port with the same mail. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function config(dir: string, port: number): string {
  return `# Test-only Dovecot: loopback, no TLS, plaintext auth, one passwd-file user.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = swb-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
`;
}

/**
 * Starts Dovecot on a free loopback port. Always `await server.stop()`.
 *
 * @example
 * const dovecot = await startDovecot();
 * const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password } });
 * await dovecot.stop();
 */
export async function startDovecot(options: { timeoutMs?: number } = {}): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), "swb-dovecot-"));
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "mail", "home"]) mkdirSync(join(dir, sub), { mode: 0o755 });
  for (const sub of ["mail", "home"]) chownSync(join(dir, sub), MAIL_UID, MAIL_GID);
  const port = await freePort();
  const user = "support";
  const password = "imap-test-password";
  writeFileSync(join(dir, "passwd"), `${user}:{PLAIN}${password}:${MAIL_UID}:${MAIL_GID}::${dir}/home/${user}::\n`, { mode: 0o644 });
  const configFile = join(dir, "dovecot.conf");
  writeFileSync(configFile, config(dir, port));
  const readLog = () => (existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : "");

  let output = "";
  let child: ChildProcess;
  let exited: Promise<void>;
  // If the test run ends without stop() (a crash, a hung hook), do not leave Dovecot behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const stop = async () => {
    process.off("exit", killOnExit);
    await halt();
    rmSync(dir, { recursive: true, force: true });
  };
  const start = async () => {
    child = spawn(DOVECOT_BINARY, ["-F", "-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await waitForPort("127.0.0.1", port, options.timeoutMs ?? 10_000, () => child.exitCode !== null);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    throw new Error(`Dovecot did not start: ${(error as Error).message}\n${output}\n${readLog()}`);
  }
  return { host: "127.0.0.1", port, user, password, log: readLog, halt, start, stop };
}
