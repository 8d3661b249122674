// Health and metrics: GET /healthz answers while the store does, and GET /metrics is Prometheus text
// with the process, HTTP and pipeline series. (With Redis shared by several processes: test/cluster/health.test.ts.)
import { afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../events/bus.ts";
import { createLogger } from "../log/index.ts";
import { REFRESH_MAX_DELAY_MS } from "../reports/subscriber.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";

let harness: Harness;
afterEach(async () => harness?.close());

describe("health and metrics", () => {
  it("reports health with the version and the cluster (one process alone), and a JSON 404 for unknown API paths", async () => {
    harness = await createTestHarness({ config: { cluster: { node_name: "solo" } } });
    const health = await harness.request("/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      cluster: { mode: "single", node: "solo", redis: "none", holds: [], standby: [] },
    });
    const missing = await harness.request("/api/v2/nothing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "SWB_ERR_NOT_FOUND" } });
  });

  it("counts messages, deliveries, queue depths and requests in Prometheus format", async () => {
    harness = await createTestHarness();
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "hi" });
    if (stored.status !== "stored") throw new Error("not stored");
    await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, text: "hello", agentId: null });
    let text = await (await harness.request("/metrics")).text();
    expect(text).toMatch(/^switchboard_outbox_pending 1$/m);
    // Due now, not yet run: the reports refresh of the contact, a few seconds after the message.
    harness.clock.advance(REFRESH_MAX_DELAY_MS);
    text = await (await harness.request("/metrics")).text();
    expect(Number(/^switchboard_jobs_due (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    await harness.drain();
    await harness.request("/healthz");
    const metrics = await harness.request("/metrics");
    expect(metrics.headers.get("Content-Type")).toContain("text/plain");
    text = await metrics.text();
    expect(text).toMatch(/^switchboard_messages_total\{inbox="test",direction="incoming"\} 1$/m);
    expect(text).toMatch(/^switchboard_messages_total\{inbox="test",direction="outgoing"\} 1$/m);
    expect(text).toMatch(/^switchboard_deliveries_total\{inbox="test",status="sent"\} 1$/m);
    expect(text).toMatch(/^switchboard_outbox_pending 0$/m);
    expect(text).toMatch(/^switchboard_jobs_due 0$/m);
    expect(text).toMatch(/^switchboard_http_requests_total\{method="GET",status="200"\} \d+$/m);
    expect(text).toMatch(/^switchboard_process_resident_memory_bytes \d+/m);
    // One process alone holds no lease and has no Redis.
    expect(text).toMatch(/^switchboard_cluster_leases_held 0$/m);
    expect(text).not.toMatch(/^switchboard_cluster_redis_up/m);
  });

  it("shows each durable event subscriber's lag: events behind and the age of the oldest, back to 0 once handled", async () => {
    harness = await createTestHarness();
    // Written by another process (a second bus on the same store): nothing here is woken for it.
    const elsewhere = new EventBus(createLogger({ level: "silent" }), harness.clock, harness.switchboard.store);
    await elsewhere.publish("agent.availability_changed", { agentId: 1, availability: "online" });
    harness.clock.advance(4_000);
    let text = await (await harness.request("/metrics")).text();
    expect(text).toMatch(/^switchboard_event_subscriber_behind\{subscriber="routing"\} 1$/m);
    expect(text).toMatch(/^switchboard_event_subscriber_oldest_age_seconds\{subscriber="routing"\} 4$/m);
    expect(text).toMatch(/^switchboard_event_subscriber_behind\{subscriber="sla"\} 0$/m);
    expect(text).toMatch(/^switchboard_event_handler_failures 0$/m);
    await harness.drain();
    text = await (await harness.request("/metrics")).text();
    expect(text).toMatch(/^switchboard_event_subscriber_behind\{subscriber="routing"\} 0$/m);
    expect(text).toMatch(/^switchboard_event_subscriber_oldest_age_seconds\{subscriber="routing"\} 0$/m);
  });

  it("exports the heap in use and the heap size as the runtime reports them, each below the resident memory, and no V8 heap spaces", async () => {
    harness = await createTestHarness();
    const text = await (await harness.request("/metrics")).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
    const [used, size, rss] = [
      value("switchboard_heap_used_bytes"),
      value("switchboard_heap_size_bytes"),
      value("switchboard_process_resident_memory_bytes"),
    ];
    // Under Bun, heapTotal (capacity) is sometimes a few KiB below heapUsed: no order is promised between them.
    expect(used).toBeGreaterThan(0);
    expect(size).toBeGreaterThan(0);
    expect(used).toBeLessThan(rss);
    expect(size).toBeLessThan(rss);
    expect(text).toMatch(/^# HELP switchboard_heap_used_bytes JavaScript heap in use by live objects/m);
    expect(text).toMatch(/^# HELP switchboard_heap_size_bytes JavaScript heap size the engine holds/m);
    // prom-client's process_heap_bytes is VmData under Bun (gigabytes of reserved address space).
    expect(text).not.toMatch(/^switchboard_process_heap_bytes /m);
    // Its heap spaces are V8's (zeros under Bun but "old"), and reading them walked Bun's whole heap on every scrape.
    expect(text).not.toMatch(/^switchboard_nodejs_heap_space_size_\w+_bytes/m);
  });

  it("says nosniff on every answer, made with c.json or built by the handler itself", async () => {
    harness = await createTestHarness();
    harness.switchboard.app.get("/test-raw", () => new Response("raw", { headers: { "Content-Type": "text/plain" } }));
    harness.switchboard.app.get("/test-json", (c) => c.json({ ok: true }));
    for (const path of ["/test-raw", "/test-json", "/no-such-route"]) {
      const answer = await harness.request(path);
      expect({ path, nosniff: answer.headers.get("x-content-type-options") }).toEqual({ path, nosniff: "nosniff" });
    }
  });
});
