/**
 * Health of a process among several on a real Redis (Debian's redis-server on a loopback port):
 * /healthz names the leases this process holds and those it waits for, /metrics counts lease
 * changes and shows the leases held and whether Redis answers, and the admin inboxes page marks an
 * inbox another process runs. When the holder goes, the other process takes over and says so; when
 * Redis goes, /healthz stays 200 but "degraded" with the reason (work is only delayed), held leases
 * are let go and counted as lost, and all comes back with Redis.
 */
import { createTestAgent, createTestHarness, type Harness, signInAgent, writeFixturePlugin } from "@switchboard/core/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";
import { poll } from "../fixtures/server-process.ts";

const LEASE_MS = 1_000;
/** A channel whose receiving must run in one process only, as Telegram polling does. */
const EXCLUSIVE_CHANNEL = writeFixturePlugin(
  `ctx.channel("pager", { create: () => ({ exclusive: "receive", start() {}, async send() { return { externalId: "out" }; } }) });`,
  { name: "pager-channel" },
);

let redis: TestRedis;
const open: Harness[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const harness of open) await harness.close();
  await redis.stop();
});

/** A process named `node` sharing the Redis under `prefix`, with the exclusive inbox "pager". */
async function processNamed(node: string, prefix: string): Promise<Harness> {
  const harness = await createTestHarness({
    config: { cluster: { redis_url: redis.url, lease_ms: LEASE_MS, node_name: node, key_prefix: prefix } },
    plugins: { pager: { package: EXCLUSIVE_CHANNEL } },
    inboxes: { pager: { plugin: "pager" } },
  });
  open.push(harness);
  return harness;
}

const health = async (harness: Harness) => {
  const response = await harness.request("/healthz");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { cluster: Record<string, unknown> } };
};
const metrics = async (harness: Harness) => (await harness.request("/metrics")).text();
const LEASES = ["events", "inbox:pager"];

test("/healthz, /metrics and the admin page show what each process holds, and a takeover", { timeout: 30_000 }, async () => {
  const a = await processNamed("node-a", "health1:");
  await poll(
    async () => a.switchboard.cluster.status().holds,
    (holds) => holds.length === 2,
    5_000,
  );
  const b = await processNamed("node-b", "health1:");

  expect(await health(a)).toEqual({
    status: 200,
    body: {
      status: "ok",
      version: expect.any(String),
      cluster: { mode: "redis", node: "node-a", redis: "connected", holds: LEASES, standby: [] },
    },
  });
  expect((await health(b)).body.cluster).toEqual({ mode: "redis", node: "node-b", redis: "connected", holds: [], standby: LEASES });

  let text = await metrics(a);
  expect(text).toMatch(/^switchboard_cluster_lease_changes_total\{lease="inbox:pager",change="acquired"\} 1$/m);
  expect(text).toMatch(/^switchboard_cluster_lease_changes_total\{lease="events",change="acquired"\} 1$/m);
  expect(text).toMatch(/^switchboard_cluster_leases_held 2$/m);
  expect(text).toMatch(/^switchboard_cluster_redis_up 1$/m);
  text = await metrics(b);
  expect(text).toMatch(/^switchboard_cluster_leases_held 0$/m);
  expect(text).not.toMatch(/^switchboard_cluster_lease_changes_total\{/m);

  // The admin page of the process on standby says another process runs the inbox.
  await createTestAgent(b, { name: "Admin", email: "admin@example.com", role: "admin" });
  const { cookie } = await signInAgent(b.request, "admin@example.com", "correct-horse-battery");
  const page = await (await b.request("/admin/inboxes", { headers: { Cookie: cookie } })).text();
  expect(page).toContain("This page comes from the process <code>node-b</code>");
  expect(page).toMatch(/>standby<\/span><div class="muted">another process runs it<\/div>/);

  // The holder stops: it releases its leases and the other process takes them at once.
  await a.close();
  open.splice(open.indexOf(a), 1);
  await poll(
    async () => b.switchboard.cluster.status().holds,
    (holds) => holds.length === 2,
    5_000,
  );
  expect((await health(b)).body.cluster).toMatchObject({ holds: LEASES, standby: [] });
  text = await metrics(b);
  expect(text).toMatch(/^switchboard_cluster_lease_changes_total\{lease="inbox:pager",change="acquired"\} 1$/m);
  expect(text).toMatch(/^switchboard_cluster_leases_held 2$/m);
  expect(b.switchboard.inboxes.get("pager")!.state).toBe("running");
});

test("Redis away: /healthz stays 200 but degraded with the reason, held leases are lost, and all returns with Redis", {
  timeout: 30_000,
}, async () => {
  const a = await processNamed("node-c", "health2:");
  await poll(
    async () => a.switchboard.cluster.status().holds,
    (holds) => holds.length === 2,
    5_000,
  );
  await redis.stop();
  const down = await poll(
    () => health(a),
    (h) => h.body.status === "degraded" && (h.body.cluster.holds as string[]).length === 0,
    5_000,
  );
  expect(down.status).toBe(200);
  expect(down.body.reason).toMatch(/^Redis does not answer/);
  expect(down.body.cluster).toMatchObject({ mode: "redis", redis: "down", holds: [], standby: LEASES });
  let text = await metrics(a);
  expect(text).toMatch(/^switchboard_cluster_redis_up 0$/m);
  expect(text).toMatch(/^switchboard_cluster_lease_changes_total\{lease="inbox:pager",change="lost"\} 1$/m);
  expect(text).toMatch(/^switchboard_cluster_leases_held 0$/m);
  expect(a.switchboard.inboxes.get("pager")!.state).toBe("standby");

  await redis.start();
  const up = await poll(
    () => health(a),
    (h) => h.body.status === "ok" && (h.body.cluster.holds as string[]).length === 2,
    10_000,
  );
  expect(up.body.cluster).toMatchObject({ redis: "connected", holds: LEASES, standby: [] });
  text = await metrics(a);
  expect(text).toMatch(/^switchboard_cluster_redis_up 1$/m);
  expect(text).toMatch(/^switchboard_cluster_lease_changes_total\{lease="inbox:pager",change="acquired"\} 2$/m);
});
