/**
 * `switchboard doctor` on the cluster, as a user runs it (the real CLI): one process says so; with
 * `[cluster] redis_url` it says whether that Redis (a real redis-server on loopback) answers, and
 * when it does not, what stops and the fix, without printing the URL's password.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { API_PLUGIN, runCli } from "../fixtures/cli.ts";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), "switchboard-doctor-cluster-"));
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A config with the API inbox and this `[cluster]` section; returns its path. */
function configWith(name: string, cluster: string): string {
  const file = join(dir, `${name}.toml`);
  writeFileSync(
    file,
    `[store]\nurl = "file:${join(dir, `${name}.db`)}"\n\n[plugins.api]\npackage = ${JSON.stringify(API_PLUGIN)}\n\n` +
      `[inboxes.api]\nplugin = "api"\n\n[inboxes.api.options]\nsecret = "doctor-cluster-secret-0123"\nwebhook_url = "http://127.0.0.1:9/replies"\n\n${cluster}`,
  );
  return file;
}

/** A loopback port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

test("one process: doctor says so", { timeout: 30_000 }, async () => {
  const result = await runCli(["doctor", "--config", configWith("single", "")]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain("✓ cluster: one process (no [cluster] redis_url)");
});

test("Redis answers: doctor names it, the lease length and this process's node name", { timeout: 30_000 }, async () => {
  const file = configWith("shared", `[cluster]\nredis_url = "${redis.url}/0"\nnode_name = "web-1"\nlease_ms = 6000\n`);
  const result = await runCli(["doctor", "--config", file]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain(
    `✓ cluster: several processes share the work through Redis at ${redis.url}/0 (it answers; leases last 6000 ms, keys start with "switchboard:"); this process is named "web-1"`,
  );
  expect(result.stdout).toContain("All checks passed.");
});

test("Redis does not answer: doctor fails with what pauses and the fix, and hides the password", { timeout: 30_000 }, async () => {
  const port = await closedPort();
  const file = configWith("down", `[cluster]\nredis_url = "redis://:hunter2-secret@127.0.0.1:${port}"\n`);
  const result = await runCli(["doctor", "--config", file]);
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const line = result.stdout.split("\n").find((l) => l.startsWith("✗ cluster:"));
  expect(line).toMatch(new RegExp(`^✗ cluster: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: Redis does not answer`));
  expect(line).toContain("exclusive inboxes (Telegram polling, gateways, WhatsApp Web) pause");
  expect(line).toContain("Fix: start Redis, or correct [cluster] redis_url (host, port, password).");
  expect(result.stdout + result.stderr).not.toContain("hunter2-secret");
});
