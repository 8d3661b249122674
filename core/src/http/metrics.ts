/**
 * Prometheus metrics (prom-client), served at GET /metrics: process metrics, HTTP requests, and
 * the pipeline's own counters and queue depths, outgoing webhooks included, and this process's
 * leases and Redis connection when several processes share the work (`[cluster]`).
 * The JavaScript heap comes from process.memoryUsage(), which Bun fills from JavaScriptCore (heapUsed
 * is bun:jsc's heapStats().heapSize). prom-client's own heap series are dropped: under Bun its
 * process_heap_bytes reads VmData (gigabytes of reserved address space), its nodejs_heap_size_* series
 * report the same number for used and total, and its V8 heap spaces cost a walk of the whole heap.
 */
import { and, count, eq, lte } from "drizzle-orm";
import client from "prom-client";
import type { Clock } from "../clock.ts";
import type { Cluster } from "../cluster/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log/index.ts";
import { sampleLoopDelay } from "../perf/loop-delay.ts";
import type { Store } from "../store/index.ts";
import { jobs, outbox } from "../store/schema.ts";
import type { AttemptOutcome } from "../webhooks/outgoing.ts";

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<"method" | "status">;
  httpDuration: client.Histogram<"method">;
  /** Counts one outgoing webhook attempt (setupOutgoingWebhooks' `observe`). */
  webhookAttempt(outcome: AttemptOutcome): void;
  /** Counts the tokens an assistant's model used (Assistants' `onUsage`). */
  assistantUsage(plugin: string, kind: string, usage: { model: string; promptTokens: number; completionTokens: number }): void;
  /** Stops the event-loop delay sampler (Switchboard's stop calls it). */
  stop(): void;
}

/**
 * prom-client default series that do not measure what their names say under Bun. The heap spaces
 * are V8's: under Bun every space but "old" reads 0, and reading them walks JavaScriptCore's whole
 * heap (heapStats()), about 9 ms of the event loop per scrape with an empty inbox, more as the heap
 * grows (issue 22); switchboard_heap_size_bytes says the same for a fraction of a millisecond.
 */
const MISLEADING_DEFAULTS = [
  "process_heap_bytes",
  "nodejs_heap_size_total_bytes",
  "nodejs_heap_size_used_bytes",
  "nodejs_heap_space_size_total_bytes",
  "nodejs_heap_space_size_used_bytes",
  "nodejs_heap_space_size_available_bytes",
];

/** The JavaScript heap in use and its size, as the runtime reports them, both from one reading per scrape. */
function heapGauges(registry: client.Registry): void {
  // Registered (and so collected) first: it reads memoryUsage() once and sets both.
  new client.Gauge({
    name: "switchboard_heap_used_bytes",
    help: "JavaScript heap in use by live objects, in bytes (process.memoryUsage().heapUsed; under Bun, JavaScriptCore's heapStats().heapSize)",
    registers: [registry],
    collect() {
      const memory = process.memoryUsage();
      this.set(memory.heapUsed);
      size.set(memory.heapTotal);
    },
  });
  const size = new client.Gauge({
    name: "switchboard_heap_size_bytes",
    help: "JavaScript heap size the engine holds (in use plus free for new objects), in bytes (process.memoryUsage().heapTotal); the whole process's memory is switchboard_process_resident_memory_bytes",
    registers: [registry],
  });
}

/** Stalls of the event loop at least this long are logged (debug; warn from STALL_WARN_MS). */
const STALL_MS = 20;
const STALL_WARN_MS = 250;

/**
 * The event-loop delay histogram, sampled by timer drift (perf/loop-delay.ts), and a log line for
 * each stall with the work that ran during it (SWITCHBOARD_LOG_LEVEL=debug shows those of 20 ms and
 * more; `bun bench/ingest-stalls.ts <log>` lists them, bench/ingest-cpu.ts prints them). Returns a function that stops the sampler.
 */
function loopDelay(registry: client.Registry, log: Logger | undefined): () => void {
  const histogram = new client.Histogram({
    name: "switchboard_event_loop_delay_seconds",
    help: "How late a timer due every 10 ms ran: the time the JavaScript thread was busy with other work (a stall delays every request)",
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return sampleLoopDelay({
    observe: (seconds) => histogram.observe(seconds),
    stallMs: STALL_MS,
    onStall: (stall) => {
      const line = { stallMs: Math.round(stall.delayMs), work: stall.work };
      if (stall.delayMs >= STALL_WARN_MS) log?.warn(line, "event loop stalled");
      else log?.debug(line, "event loop stalled");
    },
  });
}

/**
 * The cluster's series: lease changes (counted as the cluster reports them), the leases held now,
 * and, with Redis, whether it answers (read from the connection's state, no command per scrape).
 */
function clusterMetrics(registry: client.Registry, cluster: Cluster): void {
  const changes = new client.Counter({
    name: "switchboard_cluster_lease_changes_total",
    help: "Leases this process acquired, lost (another took it, or it could not be renewed) or released, by lease",
    labelNames: ["lease", "change"] as const,
    registers: [registry],
  });
  cluster.onLeaseChange((change) => changes.inc({ lease: change.lease, change: change.change }));
  new client.Gauge({
    name: "switchboard_cluster_leases_held",
    help: "Leases this process holds now (exclusive inboxes, the event subscribers); /healthz names them",
    registers: [registry],
    collect() {
      this.set(cluster.status().holds.length);
    },
  });
  if (!cluster.shared) return;
  new client.Gauge({
    name: "switchboard_cluster_redis_up",
    help: "1 while this process's connection to the cluster's Redis is ready, 0 while it is down",
    registers: [registry],
    collect() {
      this.set(cluster.status().redis === "connected" ? 1 : 0);
    },
  });
}

/** Creates a metrics registry fed by the event bus, the store and the cluster; stalls go to `log`. */
export function createMetrics(deps: { bus: EventBus; store: Store; cluster: Cluster; clock: Clock; log?: Logger }): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  for (const name of MISLEADING_DEFAULTS) registry.removeSingleMetric(`switchboard_${name}`);
  heapGauges(registry);
  const stop = loopDelay(registry, deps.log);
  clusterMetrics(registry, deps.cluster);
  const httpRequests = new client.Counter({
    name: "switchboard_http_requests_total",
    help: "HTTP requests answered",
    labelNames: ["method", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: "switchboard_http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const messages = new client.Counter({
    name: "switchboard_messages_total",
    help: "Messages stored, by inbox and direction",
    labelNames: ["inbox", "direction"] as const,
    registers: [registry],
  });
  const deliveries = new client.Counter({
    name: "switchboard_deliveries_total",
    help: "Outbound delivery outcomes",
    labelNames: ["inbox", "status"] as const,
    registers: [registry],
  });
  deps.bus.on("message.created", (event) => messages.inc({ inbox: event.data.inbox, direction: event.data.direction }), "metrics");
  deps.bus.on(
    "message.updated",
    (event) => {
      if (event.data.deliveryStatus === "sent" || event.data.deliveryStatus === "failed")
        deliveries.inc({ inbox: event.data.inbox, status: event.data.deliveryStatus });
    },
    "metrics",
  );
  // Durable event subscribers' lag: one read of the cursors per scrape, shared by the gauges.
  let lag: Promise<Awaited<ReturnType<EventBus["lag"]>>> | undefined;
  const lagOnce = () => {
    lag ??= deps.bus.lag().finally(() => setTimeout(() => (lag = undefined), 0));
    return lag;
  };
  new client.Gauge({
    name: "switchboard_event_subscriber_behind",
    help: "Logged events a durable subscriber has not handled yet",
    labelNames: ["subscriber"] as const,
    registers: [registry],
    async collect() {
      for (const s of (await lagOnce()).subscribers) this.set({ subscriber: s.subscriber }, s.behind);
    },
  });
  new client.Gauge({
    name: "switchboard_event_subscriber_oldest_age_seconds",
    help: "Age of the oldest logged event a durable subscriber has not handled yet (0 when none waits)",
    labelNames: ["subscriber"] as const,
    registers: [registry],
    async collect() {
      for (const s of (await lagOnce()).subscribers) this.set({ subscriber: s.subscriber }, s.oldestAgeMs / 1000);
    },
  });
  new client.Gauge({
    name: "switchboard_event_handler_failures",
    help: "Events a durable subscriber skipped after its handler failed 3 times, since start",
    registers: [registry],
    async collect() {
      this.set((await lagOnce()).failed);
    },
  });
  new client.Gauge({
    name: "switchboard_outbox_pending",
    help: "Outbound messages waiting to be delivered",
    registers: [registry],
    async collect() {
      const [row] = await deps.store.db.select({ n: count() }).from(outbox).where(eq(outbox.status, "pending"));
      this.set(row?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "switchboard_jobs_pending",
    help: "Durable jobs waiting to run",
    registers: [registry],
    async collect() {
      const [row] = await deps.store.db.select({ n: count() }).from(jobs).where(eq(jobs.status, "pending"));
      this.set(row?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "switchboard_jobs_due",
    help: "Durable jobs whose time has come and that still wait for a worker: above 0 for long, the workers are behind",
    registers: [registry],
    async collect() {
      const [row] = await deps.store.db
        .select({ n: count() })
        .from(jobs)
        .where(and(eq(jobs.status, "pending"), lte(jobs.dueAt, deps.clock.now())));
      this.set(row?.n ?? 0);
    },
  });
  const webhookAttempts = new client.Counter({
    name: "switchboard_webhook_attempts_total",
    help: "Outgoing webhook attempts, by outcome",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const webhookDeliveries = new client.Counter({
    name: "switchboard_webhook_deliveries_total",
    help: "Outgoing webhook deliveries that ended, delivered or failed after their last attempt (a replay counts again)",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const webhookAttempt = (outcome: AttemptOutcome) => {
    webhookAttempts.inc({ status: outcome.status });
    if (outcome.final) webhookDeliveries.inc({ status: outcome.status });
  };
  const assistantTokens = new client.Counter({
    name: "switchboard_assistant_tokens_total",
    help: "Tokens used by assistants' models, by plugin, kind of help (draft, summarize, ...), model and type (prompt or completion)",
    labelNames: ["plugin", "kind", "model", "type"] as const,
    registers: [registry],
  });
  const assistantUsage: Metrics["assistantUsage"] = (plugin, kind, usage) => {
    assistantTokens.inc({ plugin, kind, model: usage.model, type: "prompt" }, usage.promptTokens);
    assistantTokens.inc({ plugin, kind, model: usage.model, type: "completion" }, usage.completionTokens);
  };
  return { registry, httpRequests, httpDuration, webhookAttempt, assistantUsage, stop };
}
