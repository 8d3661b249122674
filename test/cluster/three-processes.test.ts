/**
 * Three Switchboard processes on one machine share the libSQL file and a real Redis (Debian's
 * redis-server on a loopback port), as docs/deploy.md describes. Proven here, through the real
 * `start` CLI: they start at once on a new database (one migrates it and creates the admin); an agent's event stream on one process sees a message ingested on another; exactly
 * one process polls Telegram (the fake Bot API on loopback ends a second poller with 409), and when
 * it is SIGKILLed another takes over with no update lost or stored twice; with Redis stopped,
 * ingestion and replies go on and live updates still arrive (by reading the event log), and once
 * Redis is back one process holds Telegram again.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { collectStream, serveLoopback } from "@switchboard/core/testing";
import { afterAll, expect, test } from "vitest";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";
import { apiServerConfig, killAll, poll, ROOT, runCli, type ServerProcess, startServer } from "../fixtures/server-process.ts";

const SECRET = "cluster-test-secret-0123456789";
const LEASE_MS = 3000;
const ada = { id: 1001, is_bot: false, first_name: "Ada" };

/** The customer's system behind the API inbox: the replies it received, by text. */
const replies: string[] = [];
const receiver = serveLoopback(async (request) => {
  replies.push(((await request.json()) as { message: { text: string } }).message.text);
  return new Response(null, { status: 200 });
});
const replyUrl = `${receiver.url}/replies`;

const dir = mkdtempSync(join(tmpdir(), "switchboard-cluster-"));
const dbFile = join(dir, "sb.db");
const configFile = join(dir, "switchboard.toml");
let redis: TestRedis | undefined;
let telegram: FakeTelegram | undefined;
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode !== 0) console.info(`--- server ${s.child.pid} printed:\n${s.output().slice(-4000)}`);
  killAll();
  await redis?.stop();
  await telegram?.stop();
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one SQL query on the shared database file. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${dbFile}` });
  try {
    return (await client.execute(sql)).rows as unknown as Record<string, unknown>[];
  } finally {
    client.close();
  }
}

/** The Telegram messages stored: how many, and how many distinct Telegram ids. */
async function telegramStored(): Promise<{ rows: number; distinct: number }> {
  const [row] = await query(
    "SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM messages WHERE inbox = 'tg' AND direction = 'incoming'",
  );
  return { rows: Number(row!.n), distinct: Number(row!.d) };
}

/** Which of `servers` holds the Telegram inbox, by the lease's owner in Redis (node names end in the pid). */
async function telegramHolder(servers: ServerProcess[]): Promise<ServerProcess | undefined> {
  const { Redis } = await import("ioredis");
  const client = new Redis(redis!.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    const owner = await client.get("switchboard:lease:inbox:tg");
    // The lease's value is the owner's node name (host-pid) and a random mark: "host-1234#9f3a0c11".
    return servers.find((s) => owner?.split("#")[0]?.endsWith(`-${s.child.pid}`));
  } finally {
    client.disconnect();
  }
}

function apiMessage(url: string, id: string, text: string): Promise<Response> {
  return fetch(`${url}/webhooks/api/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id, contact: { id: `customer-${id}`, name: `Customer ${id}` }, text }),
  });
}

test("three processes on one Redis: events cross, one Telegram poller with takeover, Redis outage survived", {
  timeout: 150_000,
}, async () => {
  redis = await startRedis();
  telegram = await startFakeTelegram();
  writeFileSync(
    configFile,
    `${apiServerConfig(dbFile, SECRET)}webhook_url = "${replyUrl}"

[cluster]
redis_url = "${redis.url}"
lease_ms = ${LEASE_MS}

[plugins.telegram]
package = ${JSON.stringify(join(ROOT, "plugins/channel-telegram/src/index.ts"))}

[inboxes.tg]
plugin = "telegram"

[inboxes.tg.options]
token = "${telegram.token}"
api_root = "${telegram.apiRoot}"
poll_timeout_seconds = 1
`,
  );
  // All three start at once on a new database: one migrates it and creates the admin, the others wait and find them.
  const [a, b, c] = await Promise.all([startServer(configFile), startServer(configFile), startServer(configFile)]);
  servers.push(a, b, c);
  expect(servers.filter((s) => s.output().includes("First start: an admin account was created."))).toHaveLength(1);
  const token = /Token: (swb_\S+)/.exec(await runCli(["create-token", "--config", configFile, "--agent", "admin@example.com"]))?.[1];
  expect(token).toBeDefined();

  // 1. An agent's stream on A sees a message ingested on B.
  const stream = collectStream(await fetch(`${a.url}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` } }));
  const sentAt = Date.now();
  expect((await apiMessage(b.url, "cross-1", "written to B, seen on A")).status).toBe(201);
  await poll(
    async () => stream.text(),
    (text) => text.includes("written to B, seen on A"),
    5_000,
  );
  const crossMs = Date.now() - sentAt;
  expect(stream.text()).toContain("written to B, seen on A");
  await stream.stop();

  // 2. One Telegram poller: exactly one process holds the lease; messages are stored once.
  const holder = await poll(
    () => telegramHolder(servers),
    (h) => h !== undefined,
    10_000,
  );
  expect(holder).toBeDefined();
  const chat = telegram.world.privateChat(ada);
  for (let i = 0; i < 5; i++) telegram.world.say(chat, ada, `before the kill ${i}`);
  await poll(telegramStored, (s) => s.rows >= 5, 10_000);

  // SIGKILL the holder while messages keep coming: another process takes over.
  holder!.child.kill("SIGKILL");
  const killedAt = Date.now();
  for (let i = 0; i < 5; i++) telegram.world.say(chat, ada, `after the kill ${i}`);
  const survivors = servers.filter((s) => s !== holder);
  const next = await poll(
    () => telegramHolder(survivors),
    (h) => h !== undefined,
    20_000,
  );
  expect(next).toBeDefined();
  const takeoverMs = Date.now() - killedAt;
  expect(await poll(telegramStored, (s) => s.rows >= 10, 20_000)).toEqual({ rows: 10, distinct: 10 });
  // Telegram ends an older getUpdates with 409 when a second poller comes (the processes log it): none came.
  expect(servers.map((s) => s.output()).join("\n")).not.toContain("Another process polls this bot");

  // 3. Redis stops: ingestion, replies and live updates go on; nothing is stored twice.
  const [x, y] = survivors as [ServerProcess, ServerProcess];
  const xStream = collectStream(await fetch(`${x.url}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` } }));
  await redis.stop();
  const posted = await apiMessage(y.url, "outage-1", "written while Redis is down");
  expect(posted.status).toBe(201);
  const { conversation_id: conversationId } = (await posted.json()) as { conversation_id: number };
  await poll(
    async () => xStream.text(),
    (text) => text.includes("written while Redis is down"),
    5_000,
  );
  expect(xStream.text()).toContain("written while Redis is down");
  const reply = await fetch(`${x.url}/api/v1/conversations/${conversationId}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text: "answered while Redis is down" }),
  });
  expect(reply.status).toBe(201);
  await poll(
    async () => replies,
    (got) => got.includes("answered while Redis is down"),
    10_000,
  );
  expect(replies).toEqual(["answered while Redis is down"]);

  // Redis comes back (empty): one process holds Telegram again, and new updates are stored once.
  await redis.start();
  await poll(
    () => telegramHolder(survivors),
    (h) => h !== undefined,
    20_000,
  );
  for (let i = 0; i < 3; i++) telegram.world.say(chat, ada, `after the outage ${i}`);
  expect(await poll(telegramStored, (s) => s.rows >= 13, 20_000)).toEqual({ rows: 13, distinct: 13 });
  await xStream.stop();
  console.info(`cluster: event from B on A's stream in ${crossMs} ms; Telegram taken over ${takeoverMs} ms after the SIGKILL`);

  for (const s of survivors) s.child.kill("SIGTERM");
  for (const s of survivors) expect((await s.exited).code).toBe(0);
});
