/**
 * Outgoing webhooks from `[[webhooks]]` in the config. Each matching event becomes a row in
 * `webhook_deliveries` and a durable job; the job POSTs the signed JSON, records every attempt,
 * and retries with backoff until the webhook's `max_attempts`. Admins see and replay deliveries
 * through deliveries.ts; each attempt's outcome goes to `observe` (the /metrics counters).
 */
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { WebhookEntry } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import { wireData } from "../events/wire.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log/index.ts";
import type { Store, Tx } from "../store/index.ts";
import { webhookDeliveries } from "../store/schema.ts";
import { SIGNATURE_HEADER, signWebhook } from "./signature.ts";

export const WEBHOOK_JOB = "core:webhook.deliver";

interface DeliveryJob {
  deliveryId: number;
}

/** One attempt's outcome: `final` when the delivery ends with it (delivered, or failed for good). */
export interface AttemptOutcome {
  status: "delivered" | "failed";
  final: boolean;
}

/**
 * Queues delivery `deliveryId` for its webhook, inside `tx` (the job starts again at attempt 1).
 *
 * @example
 * await store.write((tx) => scheduleDelivery(jobs, tx, delivery.id, webhook));
 */
export async function scheduleDelivery(jobs: JobQueue, tx: Tx, deliveryId: number, webhook: WebhookEntry): Promise<void> {
  await jobs.schedule(WEBHOOK_JOB, { deliveryId } satisfies DeliveryJob, { maxAttempts: webhook.max_attempts }, tx);
}

/** Subscribes the configured webhooks to the bus and defines the delivery job. */
export function setupOutgoingWebhooks(deps: {
  webhooks: WebhookEntry[];
  bus: EventBus;
  jobs: JobQueue;
  store: Store;
  clock: Clock;
  log: Logger;
  observe?: (outcome: AttemptOutcome) => void;
}): void {
  const { webhooks, store, clock, jobs } = deps;
  const observe = deps.observe ?? (() => {});
  const log = deps.log.child({ component: "webhooks" });
  jobs.define(WEBHOOK_JOB, async (payload, job) => {
    const { deliveryId } = payload as DeliveryJob;
    const [delivery] = await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    if (!delivery || delivery.status !== "pending") return;
    const webhook = webhooks.find((w) => w.url === delivery.url);
    if (!webhook) {
      await store.write((tx) =>
        tx
          .update(webhookDeliveries)
          .set({ status: "failed", lastError: "This webhook was removed from the config." })
          .where(eq(webhookDeliveries.id, deliveryId)),
      );
      observe({ status: "failed", final: true });
      return;
    }
    const record = (values: Partial<typeof webhookDeliveries.$inferInsert>) =>
      store.write((tx) =>
        tx
          .update(webhookDeliveries)
          .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, ...values })
          .where(eq(webhookDeliveries.id, deliveryId)),
      );
    const last = job.attempt >= webhook.max_attempts;
    let status: number | undefined;
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        body: delivery.payload,
        signal: AbortSignal.timeout(webhook.timeout_ms),
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Switchboard-Webhooks/1",
          "X-Switchboard-Event": delivery.event,
          "X-Switchboard-Delivery": String(delivery.id),
          [SIGNATURE_HEADER]: await signWebhook(webhook.secret, delivery.payload, Math.floor(clock.now() / 1000)),
        },
      });
      status = response.status;
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the receiver answered HTTP ${response.status}`);
    } catch (error) {
      const message = (error as Error).message;
      await record({ responseStatus: status ?? null, lastError: message, ...(last ? { status: "failed" as const } : {}) });
      observe({ status: "failed", final: last });
      log.warn({ url: webhook.url, delivery: deliveryId, attempt: job.attempt, final: last, error: message }, "webhook delivery failed");
      if (!last) throw error;
      return;
    }
    await record({ status: "delivered", responseStatus: status, lastError: null, deliveredAt: clock.now() });
    observe({ status: "delivered", final: true });
  });

  if (webhooks.length === 0) return;
  // Durable: every logged event becomes one delivery per matching webhook, even across a crash;
  // an event read again after a restart finds its deliveries there already (unique event + url).
  deps.bus.consume("webhooks", {
    "*": async (event: SwitchboardEvent) => {
      const matching = webhooks.filter((webhook) => webhook.events.includes("*") || webhook.events.includes(event.name));
      if (matching.length === 0) return;
      const payload = JSON.stringify({ id: event.id, event: event.name, at: event.at, data: wireData(event) });
      await store.write(async (tx) => {
        for (const webhook of matching) {
          const [row] = await tx
            .insert(webhookDeliveries)
            .values({ url: webhook.url, event: event.name, eventSeq: event.seq ?? null, payload, createdAt: clock.now() })
            .onConflictDoNothing()
            .returning({ id: webhookDeliveries.id });
          if (row) await scheduleDelivery(jobs, tx, row.id, webhook);
        }
      });
    },
  });
}
