/**
 * The root Hono app: request metrics, `X-Content-Type-Options: nosniff` on every answer, body
 * limits for the REST API and channel webhooks, `GET /healthz` (503 with the reason while the store
 * cannot be read or written; 200 "degraded" with the reason while the cluster's Redis does not
 * answer, since that only delays work), `GET /metrics`, JSON 404s and error mapping. The REST API, channel webhooks and plugin routes are mounted on it by the assembly.
 */

import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { Cluster } from "../cluster/index.ts";
import { ErrorCodes } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import type { Store } from "../store/index.ts";
import { probeWrite } from "../store/storage-failure.ts";
import { API_BODY_LIMIT, limitBody, WEBHOOK_BODY_LIMIT } from "./body-limits.ts";
import { errorHandler } from "./errors.ts";
import type { Metrics } from "./metrics.ts";

export function createHttpApp(deps: { log: Logger; store: Store; metrics: Metrics; cluster: Cluster; version: string }): Hono {
  const app = new Hono();
  app.use(async function requestMetrics(c, next) {
    const stop = deps.metrics.httpDuration.startTimer({ method: c.req.method });
    await next();
    stop();
    deps.metrics.httpRequests.inc({ method: c.req.method, status: String(c.res.status) });
  });
  // No browser may guess another type than the one we send (a JSON answer rendered as HTML, say).
  // Set before the handler, so answers made with c.json, c.text or c.html carry it; after it, only a
  // Response the handler built itself lacks it, and setting it then copies the whole Response
  // (about 1% of the thread under ingest when it was done for every answer, issue 22).
  app.use(async function noSniff(c, next) {
    c.header("X-Content-Type-Options", "nosniff");
    await next();
    if (c.res.headers.get("X-Content-Type-Options") !== "nosniff") c.header("X-Content-Type-Options", "nosniff");
  });
  app.use("/api/*", limitBody(API_BODY_LIMIT, "the REST API"));
  app.use("/webhooks/*", limitBody(WEBHOOK_BODY_LIMIT, "a channel webhook"));
  app.get("/healthz", async (c) => {
    try {
      await deps.store.db.run(sql`SELECT 1`);
      const failure = await probeWrite(deps.store);
      if (failure) {
        deps.log.error({ store: failure.code }, `health check: ${failure.reason}`);
        return c.json({ status: "error", store: "not writable", reason: failure.reason, code: failure.code }, 503);
      }
      return c.json(await clusterHealth(deps.cluster, deps.version));
    } catch (error) {
      deps.log.error({ error: (error as Error).message }, "health check: the store does not answer");
      return c.json({ status: "error", store: "unreachable" }, 503);
    }
  });
  app.get("/metrics", async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { "Content-Type": deps.metrics.registry.contentType }),
  );
  app.notFound((c) => c.json({ error: { code: ErrorCodes.NOT_FOUND, message: `No route for ${c.req.method} ${c.req.path}.` } }, 404));
  app.onError(errorHandler(deps.log));
  return app;
}

/**
 * The healthy answer of /healthz with this process's place in the cluster. A Redis that does not
 * answer makes it "degraded", not an error: ingestion and replies go on, live updates fall back to
 * reading the event log, and exclusive inboxes wait for Redis (docs/deploy.md), so a load balancer
 * should keep sending this process traffic.
 */
async function clusterHealth(cluster: Cluster, version: string) {
  const status = cluster.status();
  const problem = await cluster.probe();
  if (!problem) return { status: "ok", version, cluster: status };
  return { status: "degraded", version, reason: problem, cluster: { ...status, redis: "down" as const } };
}
