/**
 * The `switchboard` CLI as a user runs it: real child processes on temp configs and temp databases,
 * started from a folder outside the repository (as an installed bin or a service would be).
 * doctor (good and broken configs), start on a broken config, create-agent → create-token → a REST
 * call against a started server, and backup while that server runs.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { API_PLUGIN, runCli as run, startServer as startCli } from "./fixtures/cli.ts";

/** Starts `switchboard start`, killed after the tests if still running. */
const startServer = (config: string) => startCli(config, children);

const SECRET = "cli-test-secret-0123456789";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes a config with the API inbox (plus `extra` TOML) to a new temp folder; returns its path and database file. */
function writeConfig(extra = "", server = 'port = 0\nhost = "127.0.0.1"'): { file: string; db: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-"));
  dirs.push(dir);
  const db = join(dir, "sb.db");
  const file = join(dir, "switchboard.toml");
  writeFileSync(
    file,
    `[server]\n${server}\n\n[store]\nurl = "file:${db}"\n\n[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}\n\n` +
      `[inboxes.api]\nplugin = "api"\n\n[inboxes.api.options]\nsecret = "${SECRET}"\n${extra}`,
  );
  return { file, db, dir };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+/m);

describe("doctor", () => {
  test("passes on a good config, first against a scratch schema, then against the migrated database", async () => {
    const { file, db } = writeConfig();
    const fresh = await run(["doctor", "--config", file]);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(`✓ config: ${file}`);
    expect(fresh.stdout).toContain(`✓ config: ${file} (1 plugin, 1 inbox)`);
    expect(fresh.stdout).toContain("✓ database: none yet");
    expect(fresh.stdout).toMatch(/^✓ plugin api \(channel-api /m);
    expect(fresh.stdout).toContain("All checks passed; 1 warning above needs attention.");
    expect(existsSync(db)).toBe(false);

    expect((await run(["--config", file, "migrate"])).code).toBe(0);
    const migrated = await run(["--config", file, "doctor"]);
    expect(migrated.code, migrated.stdout + migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^✓ database: .*none pending/m);
    // No webhook_url: the inbox works, but replies cannot be delivered, so a person must act.
    expect(migrated.stdout).toMatch(/^! inbox api \(api channel\): No webhook_url/m);
    expect(migrated.stdout).toContain("All checks passed; 1 warning above needs attention.");
  });

  test("marks a healthy inbox ✓ with its fact, and only what needs attention !", async () => {
    const { file } = writeConfig('webhook_url = "http://127.0.0.1:9/replies"\n');
    const result = await run(["doctor", "--config", file]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^✓ inbox api \(api channel\)/m);
    expect(result.stdout).not.toMatch(/^!/m);
    expect(result.stdout).toContain("All checks passed.");
  });

  test("lists every mistake of a broken config with its own fix, and exits 2 as start and migrate do", async () => {
    const { file } = writeConfig(
      '\n[[webhooks]]\nurl = "not a url"\nevents = ["message.created"]\nsecret = "webhook-secret-0123456789"\n',
      'port = "abc"\nhostt = "127.0.0.1"',
    );
    const doctor = await run(["doctor", "--config", file]);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(2);
    const lines = doctor.stdout.split("\n").filter((line) => line.startsWith("✗ config: [SWB_ERR_CONFIG_INVALID]"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`${file}: server.port: expected a number, received "abc". Fix: Write a number, without quotes.`);
    expect(lines[1]).toContain('server.hostt: unknown key. Fix: Remove it, or check the spelling (did you mean "host"?)');
    expect(lines[2]).toContain("webhooks[0].url: expected a full URL");
    expect(doctor.stdout).toContain("3 problems found. Fix the config first, then run doctor again.");
    for (const command of ["start", "migrate"]) {
      const result = await run([command, "--config", file]);
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain("found 3 problems");
    }
  });

  test("shows the option mistakes of every inbox at once, not only the first", async () => {
    const { file } = writeConfig('\n[inboxes.shop]\nplugin = "api"\n\n[inboxes.shop.options]\nsecret = "short"\n');
    writeFileSync(file, readFileSync(file, "utf8").replace(`secret = "${SECRET}"`, "secret = 5"));
    const result = await run(["doctor", "--config", file]);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(
      /^✗ plugins and inboxes: .*inboxes\.api\.options\.secret \(plugin "channel-api"\): expected a string, received 5\. Fix: /m,
    );
    expect(result.stdout).toMatch(
      /^✗ plugins and inboxes: .*inboxes\.shop\.options\.secret \(plugin "channel-api"\): expected at least 16 characters.*Fix: Use at least 16 characters\./m,
    );
    expect(result.stdout).toContain("2 problems found.");
  });

  test("fails on an unknown plugin, naming its key and the fix", async () => {
    const { file } = writeConfig('\n[plugins.crm]\npackage = "@switchboard/no-such-plugin"\n');
    const result = await run(["doctor", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^✗ plugins and inboxes: \[SWB_ERR_PLUGIN_NOT_FOUND\] .*plugins\.crm\.package.*no-such-plugin/m);
    expect(result.stdout).toContain("npm install @switchboard/no-such-plugin");
    expect(result.stdout).toContain("1 problem found.");
    noStackTrace(result.stdout + result.stderr);
  });
});

test("start on a config with a wrong type exits 2, naming the file and the key, without a stack trace", async () => {
  const { file } = writeConfig("", 'port = "abc"');
  const result = await run(["start", "--config", file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("error [SWB_ERR_CONFIG_INVALID]");
  expect(result.stderr).toContain(`${file}: server.port`);
  expect(result.stderr).toContain("Fix:");
  noStackTrace(result.stderr);
});

test("the first start creates an admin (admin@localhost) and prints its password once; the next start does not", async () => {
  const { file } = writeConfig();
  const first = await startServer(file);
  first.child.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  expect(first.output()).toMatch(/First start: an admin account was created\.[\s\S]*Email: +admin@localhost[\s\S]*Password: +\S{12,}/);
  const second = await startServer(file);
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  expect(second.output()).not.toContain("Password:");
});

describe("against a running server", () => {
  const config = writeConfig();
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;

  beforeAll(async () => {
    const agent = await run([
      "create-agent",
      "--config",
      config.file,
      "--email",
      "alice@example.com",
      "--name",
      "Alice",
      "--role",
      "admin",
    ]);
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stdout).toMatch(/Password: \S{12,}/);
    const created = await run(["create-token", "--config", config.file, "--agent", "Alice@Example.com", "--name", "test"]);
    expect(created.code, created.stderr).toBe(0);
    token = /Token: (swb_\S+)/.exec(created.stdout)?.[1] ?? "";
    expect(token).not.toBe("");
    server = await startServer(config.file);
  });

  afterAll(async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  test("an agent already exists, so no first admin is created", () => {
    expect(server.output()).not.toContain("First start");
    expect(server.output()).toMatch(/✓ api \(channel-api \S+\): started/);
  });

  test("a token from create-token authenticates GET /api/v1/agents/me", async () => {
    const res = await fetch(`${server.url}/api/v1/agents/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: "alice@example.com", name: "Alice", role: "admin" });
    expect((await fetch(`${server.url}/api/v1/agents/me`, { headers: { Authorization: "Bearer swb_wrong" } })).status).toBe(401);
  });

  test("headers over 16 KiB answer 431 with a JSON reason, not Bun's empty 431", async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { Cookie: "c".repeat(20_000) } });
    expect(res.status).toBe(431);
    expect((await res.json()).error).toMatchObject({
      code: "SWB_ERR_HEADERS_TOO_LARGE",
      message: expect.stringContaining("The largest is cookie"),
    });
  });

  test("create-token for an unknown agent fails with a code", async () => {
    const result = await run(["create-token", "--config", config.file, "--agent", "nobody@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error [SWB_ERR_NOT_FOUND]");
    noStackTrace(result.stderr);
  });

  test("backup copies the database while the server runs, and never overwrites", async () => {
    for (let n = 0; n < 5; n++) {
      const res = await fetch(`${server.url}/webhooks/api/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({ id: `backup-${n}`, contact: { id: "customer-1" }, text: `hello ${n}` }),
      });
      expect(res.status).toBe(201);
    }
    const dest = join(config.dir, "backup.db");
    const result = await run(["backup", dest, "--config", config.file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Backed up ${config.db} to ${dest}`);

    const copy = createClient({ url: `file:${dest}` });
    const rows = await copy.execute("SELECT external_id FROM messages WHERE inbox = 'api' ORDER BY external_id");
    copy.close();
    expect(rows.rows.map((row) => row.external_id)).toEqual(["backup-0", "backup-1", "backup-2", "backup-3", "backup-4"]);

    const again = await run(["backup", dest, "--config", config.file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("error [SWB_ERR_CONFLICT]");
  });
});
