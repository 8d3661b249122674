/**
 * Limits and live pushes hold across Switchboard processes (issue 23, item 4). Two real processes
 * (the `start` CLI) share the libSQL file and a real Redis (Debian's redis-server on a loopback
 * port). Proven here: failed sign-ins on A count towards the limit on B; the web chat's per-IP and
 * per-visitor rate limits count across both; and a widget whose live stream is held by one process
 * gets what the other process pushes: the visitor's own message from another tab, an agent's
 * reply and typing sent through the other process, and the "resolved" line, each once; a rating
 * given through one process is known to the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CollectedStream, collectStream, openSignInForm, type RequestFn, signInAgent } from "@switchboard/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";
import { apiServerConfig, killAll, poll, ROOT, runCli, type ServerProcess, startServer } from "../fixtures/server-process.ts";

const LOGIN_ATTEMPTS = 3;
const IP_REQUESTS_PER_MINUTE = 8;
const VISITOR_MESSAGES_PER_MINUTE = 2;

const dir = mkdtempSync(join(tmpdir(), "switchboard-cluster-limits-"));
const configFile = join(dir, "switchboard.toml");
let redis: TestRedis | undefined;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  redis = await startRedis();
  const webchat = (name: string, limits: string) => `
[inboxes.${name}]
plugin = "webchat"

[inboxes.${name}.options]
secret = "webchat-cluster-secret-0123456789"
allowed_origins = ["https://shop.example.com"]
offline_when_no_agent_online = false
rate_limit = { ${limits} }
`;
  writeFileSync(
    configFile,
    `${apiServerConfig(join(dir, "sb.db"), "cluster-limits-secret-0123456789")}
[auth]
login_attempts = ${LOGIN_ATTEMPTS}

[cluster]
redis_url = "${redis.url}"
lease_ms = 3000

[plugins.webchat]
package = ${JSON.stringify(join(ROOT, "plugins/channel-webchat/src/index.ts"))}
${webchat("site", "visitor_messages_per_minute = 100")}
${webchat("tight", `ip_requests_per_minute = ${IP_REQUESTS_PER_MINUTE}, visitor_messages_per_minute = ${VISITOR_MESSAGES_PER_MINUTE}`)}`,
  );
  a = await startServer(configFile);
  b = await startServer(configFile);
}, 60_000);

afterAll(async () => {
  for (const s of [a, b]) if (s && s.child.exitCode !== 0) console.info(`--- server ${s.child.pid} printed:\n${s.output().slice(-4000)}`);
  killAll();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const on =
  (server: ServerProcess): RequestFn =>
  (path, init) =>
    fetch(server.url + path, { ...init, redirect: "manual", signal: AbortSignal.timeout(10_000) });

/** A call of the widget API of `inbox` on `server`, as JSON. */
function widget(server: ServerProcess, inbox: string, path: string, body?: unknown, token?: string): Promise<Response> {
  return on(server)(`/plugins/webchat/inboxes/${inbox}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function session(server: ServerProcess, inbox: string): Promise<string> {
  const answer = await widget(server, inbox, "/session", {});
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { token: string }).token;
}

describe("two processes on one Redis", { timeout: 60_000 }, () => {
  test("failed sign-ins on A count towards the limit on B", async () => {
    const formA = await openSignInForm(on(a));
    const formB = await openSignInForm(on(b));
    const attempt = (server: ServerProcess, form: { cookie: string; token: string }) =>
      on(server)("/login", {
        method: "POST",
        headers: { Cookie: form.cookie },
        body: new URLSearchParams({ email: "guessed@example.com", password: "wrong-wrong-wrong", _csrf: form.token }),
      });
    // A alone would let all three through and refuse only a fourth: two on A and one on B reach the limit.
    expect((await attempt(a, formA)).status).toBe(401);
    expect((await attempt(a, formA)).status).toBe(401);
    expect((await attempt(b, formB)).status).toBe(401);
    const refused = await attempt(b, formB);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(800);
    expect(await refused.text()).toContain("Too many failed sign-ins for this email from your address");
    expect((await attempt(a, formA)).status).toBe(429);
  });

  test("the widget's per-visitor and per-IP rate limits count across both", async () => {
    const token = await session(a, "tight");
    const post = (server: ServerProcess, n: number) =>
      widget(server, "tight", "/messages", { client_id: `client-${n}-of-test`, text: `message ${n}` }, token);
    // Two messages a minute per visitor: one on A, one on B, and the third (on A) is refused.
    expect((await post(a, 1)).status).toBe(201);
    expect((await post(b, 2)).status).toBe(201);
    const tooFast = await post(a, 3);
    expect(tooFast.status).toBe(429);
    expect(await tooFast.text()).toContain("rate_limited_visitor");

    // Eight requests a minute per IP, four used above: alternate A and B until one is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 2 * IP_REQUESTS_PER_MINUTE && !statuses.includes(429); i++)
      statuses.push((await widget(i % 2 === 0 ? b : a, "tight", "/config")).status);
    const refused = statuses.indexOf(429);
    // Each process alone would allow 8 (16 in all): shared, 4 more pass (5 if a token refilled meanwhile).
    expect(refused).toBeGreaterThanOrEqual(IP_REQUESTS_PER_MINUTE - 4);
    expect(refused).toBeLessThanOrEqual(IP_REQUESTS_PER_MINUTE - 4 + 1);
    const last = await widget(a, "tight", "/config");
    expect(last.status).toBe(429);
    expect(await last.text()).toContain("rate_limited_ip");
  });

  test("a widget connected to A gets what B pushes: the visitor's other tab, an agent's reply and typing, the resolved line", async () => {
    const output = a.output() + b.output();
    const password = /Password: (\S+)/.exec(output)?.[1];
    expect(password).toBeDefined();
    const token = /Token: (swb_\S+)/.exec(await runCli(["create-token", "--config", configFile, "--agent", "admin@example.com"]))?.[1];
    expect(token).toBeDefined();
    const api = (path: string, method: string, body: unknown) =>
      on(b)(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });

    const visitor = await session(a, "site");
    const streams: CollectedStream[] = [];
    try {
      // Two tabs of one visitor: one stream held by A, one by B.
      for (const server of [a, b]) {
        streams.push(collectStream(await widget(server, "site", "/stream", undefined, visitor)));
      }
      const [onA, onB] = streams as [CollectedStream, CollectedStream];
      await poll(
        async () => onA.text() + onB.text(),
        () => onA.text().includes("event: ready") && onB.text().includes("event: ready"),
        5_000,
      );

      // The visitor writes from the tab on B: the tab on A sees it.
      const posted = await widget(b, "site", "/messages", { client_id: "tab-b-first", text: "Hello from the tab on B" }, visitor);
      expect(posted.status).toBe(201);
      const conversationId = ((await posted.json()) as { message: { conversation_id: number } }).message.conversation_id;
      await poll(
        async () => onA.text(),
        (text) => text.includes("Hello from the tab on B"),
        5_000,
      );
      expect(onA.text()).toContain("Hello from the tab on B");

      // An agent answers through B's REST API: whichever process delivers it, both tabs get it live.
      const sentAt = Date.now();
      expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Agent reply sent through B" })).status).toBe(201);
      await poll(
        async () => onA.text() + onB.text(),
        () => onA.text().includes("Agent reply sent through B") && onB.text().includes("Agent reply sent through B"),
        10_000,
      );
      for (const stream of [onA, onB]) expect(stream.text()).toContain("Agent reply sent through B");
      const replyMs = Date.now() - sentAt;

      // The agent types in the inbox on B: the tab on A shows it.
      const agent = await signInAgent(on(b), "admin@example.com", password!);
      const typing = await on(b)(`/inbox/conversations/${conversationId}/typing`, {
        method: "POST",
        headers: { Cookie: agent.cookie, "X-CSRF-Token": agent.csrf },
      });
      expect(typing.status).toBe(204);
      await poll(
        async () => onA.text(),
        (text) => text.includes("event: typing"),
        5_000,
      );
      expect(onA.text()).toContain("event: typing");

      // The agent resolves the conversation: one "resolved" line, in both tabs.
      expect((await api(`/conversations/${conversationId}`, "PATCH", { status: "resolved" })).status).toBe(200);
      await poll(
        async () => onA.text() + onB.text(),
        () => onA.text().includes('"kind":"resolved"') && onB.text().includes('"kind":"resolved"'),
        10_000,
      );
      await new Promise((settle) => setTimeout(settle, 500)); // time for a duplicate to show, if there were one

      for (const stream of [onA, onB]) {
        const text = stream.text();
        expect(text.split("Hello from the tab on B").length - 1).toBe(1);
        expect(text.split("Agent reply sent through B").length - 1).toBe(1);
        expect(text.split('"kind":"resolved"').length - 1).toBe(1);
        // Entries arrive in seq order, each once.
        const seqs = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        expect(seqs).toEqual([1, 2, 3]);
      }
      // The visitor rates the conversation from the tab on B: A's tab gets the line, and A knows the rating.
      const rated = await widget(b, "site", `/conversations/${conversationId}/rating`, { rating: 5, comment: "Quick" }, visitor);
      expect(rated.status).toBe(200);
      await poll(
        async () => onA.text(),
        (text) => text.includes('"kind":"rating"'),
        5_000,
      );
      expect(onA.text()).toContain('"kind":"rating"');
      const listed = (await (await widget(a, "site", "/conversations", undefined, visitor)).json()) as {
        conversations: { id: number; rating: number | null }[];
      };
      expect(listed.conversations).toEqual([expect.objectContaining({ id: conversationId, rating: 5 })]);

      // The visitor's log holds each entry once, numbered without a gap (what a reconnect reads).
      const log = (await (await widget(a, "site", "/messages", undefined, visitor)).json()) as {
        messages: { seq: number; kind: string }[];
      };
      expect(log.messages.map((m) => [m.seq, m.kind])).toEqual([
        [1, "text"],
        [2, "text"],
        [3, "resolved"],
        [4, "rating"],
      ]);
      console.info(`cluster: an agent's reply reached the widget on both processes in ${replyMs} ms`);
    } finally {
      for (const stream of streams) await stream.stop();
    }
  });
});
