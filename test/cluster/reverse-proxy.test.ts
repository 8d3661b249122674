/**
 * The reverse-proxy configs of docs/deploy.md, as printed there, in front of three real Switchboard
 * processes sharing one libSQL file and a real redis-server: Caddy and nginx (Debian's `caddy` and
 * `nginx-light`) are run on the doc's own blocks, with only the addresses changed and TLS left out.
 * Through each proxy: requests are spread over the three processes, an agent's event stream shows
 * each message as it is stored (no buffering) wherever it was stored, and with one process stopped
 * every message is still acknowledged (the proxy passes it to another). Skipped where the proxy's
 * binary is not installed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CollectedStream, collectStream } from "@switchboard/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";
import { apiServerConfig, killAll, poll, ROOT, runCli, type ServerProcess, startServer } from "../fixtures/server-process.ts";

const CADDY = "/usr/bin/caddy";
const NGINX = "/usr/sbin/nginx";
const SECRET = "proxy-test-secret-0123456789";
const DOC = readFileSync(join(ROOT, "docs/deploy.md"), "utf8");

/** A free loopback port (taken by a listener, then let go). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The fenced block of `language` in docs/deploy.md. */
function docBlock(language: string): string {
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(DOC);
  if (!match?.[1]) throw new Error(`docs/deploy.md has no \`\`\`${language} block`);
  return match[1];
}

const dir = mkdtempSync(join(tmpdir(), "switchboard-proxy-"));
const dbFile = join(dir, "sb.db");
let redis: TestRedis | undefined;
const ports: number[] = [];
const servers: (ServerProcess | undefined)[] = [];
const proxies: ChildProcess[] = [];
let token = "";

/** The config of process i (1-3): the doc's shape, on a free loopback port. */
const configOf = (i: number) => join(dir, `web-${i}.toml`);

beforeAll(async () => {
  if (!existsSync(CADDY) && !existsSync(NGINX)) return;
  redis = await startRedis();
  for (let i = 1; i <= 3; i++) {
    ports.push(await freePort());
    writeFileSync(
      configOf(i),
      `${apiServerConfig(dbFile, SECRET).replace("port = 0", `port = ${ports[i - 1]}`)}\n[cluster]\nredis_url = "${redis.url}"\nnode_name = "web-${i}"\n`,
    );
  }
  servers.push(await startServer(configOf(1)));
  servers.push(...(await Promise.all([startServer(configOf(2)), startServer(configOf(3))])));
  token = /Token: (swb_\S+)/.exec(await runCli(["create-token", "--config", configOf(1), "--agent", "admin@example.com"]))?.[1] ?? "";
}, 60_000);

afterAll(async () => {
  for (const proxy of proxies) if (proxy.exitCode === null) proxy.kill("SIGKILL");
  killAll();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The doc's upstream addresses (127.0.0.1:3001-3003) pointed at this test's processes. */
const withPorts = (config: string) => config.replace(/127\.0\.0\.1:300([123])/g, (_, i: string) => `127.0.0.1:${ports[Number(i) - 1]}`);

/** Starts a proxy process and resolves once /healthz answers through it (15 s at most). */
async function startProxy(command: string, args: string[], url: string, env: Record<string, string> = {}): Promise<() => string> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  proxies.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const up = await poll(
    async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status,
    (status) => status === 200 || child.exitCode !== null,
    15_000,
  );
  if (up !== 200) throw new Error(`${command} did not proxy /healthz within 15 s:\n${output}`);
  return () => output;
}

const post = (url: string, id: string) =>
  fetch(`${url}/webhooks/api/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id, contact: { id: `customer-${id}`, name: `Customer ${id}` }, text: `proxied ${id}` }),
  });

/** What must hold through a proxy at `url`. */
async function checkThrough(url: string, label: string, proxyOutput: () => string): Promise<void> {
  // Spread: round robin reaches every process.
  const nodes = new Set<string>();
  for (let i = 0; i < 6; i++) nodes.add(((await (await fetch(`${url}/healthz`)).json()) as { cluster: { node: string } }).cluster.node);
  expect([...nodes].sort()).toEqual(["web-1", "web-2", "web-3"]);

  // Live: each message shows on the agent's stream at once, whichever process stored it.
  const stream: CollectedStream = collectStream(await fetch(`${url}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` } }));
  try {
    for (let i = 0; i < 6; i++) {
      const id = `${label}-${i}`;
      expect((await post(url, id)).status).toBe(201);
      const seen = await poll(async () => stream.text().includes(`proxied ${id}`), Boolean, 3_000);
      expect(seen, `${id} on the stream through ${label}`).toBe(true);
    }
  } finally {
    await stream.stop();
  }

  // One process stopped (an upgrade): every message is still taken, by the others.
  const stopped = servers[1]!;
  stopped.child.kill("SIGTERM");
  await stopped.exited;
  try {
    for (let i = 0; i < 6; i++) {
      const status = (await post(url, `${label}-down-${i}`)).status;
      expect(status, `${label}-down-${i}; the proxy printed:\n${proxyOutput().slice(-3000)}`).toBe(201);
    }
  } finally {
    servers[1] = await startServer(configOf(2));
  }
}

describe("the reverse-proxy configs of docs/deploy.md", () => {
  test.skipIf(!existsSync(CADDY))("Caddy", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const home = join(dir, "caddy");
    mkdirSync(home);
    const file = join(home, "Caddyfile");
    // No admin endpoint or certificates in a test: the site is served over plain HTTP on loopback.
    writeFileSync(
      file,
      `{\n\tadmin off\n}\n\n${withPorts(docBlock("caddyfile")).replace("support.example.com {", `http://127.0.0.1:${port} {`)}`,
    );
    const output = await startProxy(CADDY, ["run", "--config", file, "--adapter", "caddyfile"], `http://127.0.0.1:${port}`, {
      HOME: home,
      XDG_DATA_HOME: home,
      XDG_CONFIG_HOME: home,
    });
    await checkThrough(`http://127.0.0.1:${port}`, "caddy", output);
  });

  test.skipIf(!existsSync(NGINX))("nginx", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const home = join(dir, "nginx");
    mkdirSync(home);
    const site = withPorts(docBlock("nginx"))
      .replace(/listen 443 ssl[^;]*;/, `listen 127.0.0.1:${port};`)
      .replace(/^\s*(http2 on|ssl_certificate|ssl_certificate_key)\b.*$/gm, "");
    const file = join(home, "nginx.conf");
    writeFileSync(
      file,
      // One process (no master and workers), so that killing it at the end leaves nothing behind.
      `daemon off;\nmaster_process off;\npid ${home}/nginx.pid;\nerror_log ${home}/error.log warn;\nevents {}\nhttp {\n` +
        `access_log off;\nclient_body_temp_path ${home}/body;\nproxy_temp_path ${home}/proxy;\n${site}\n}\n`,
    );
    const output = await startProxy(NGINX, ["-p", home, "-c", file], `http://127.0.0.1:${port}`);
    await checkThrough(`http://127.0.0.1:${port}`, "nginx", () => `${output()}${readFileSync(join(home, "error.log"), "utf8")}`);
  });
});
