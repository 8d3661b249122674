/**
 * The outgoing webhook delivery log, for admins: deliveries newest first (by status, a page at a
 * time), one delivery, and replay: a delivered or failed delivery goes back to pending and through
 * the delivery job again, with the webhook's attempts counted afresh.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { WebhookEntry } from "../config/schema.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Queryable, Store } from "../store/index.ts";
import { webhookDeliveries } from "../store/schema.ts";
import { scheduleDelivery } from "./outgoing.ts";

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryStatus = WebhookDelivery["status"];
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const satisfies readonly WebhookDeliveryStatus[];

/**
 * Up to `limit` deliveries, newest first, older than the id `before` when given.
 *
 * @example
 * const failed = await listWebhookDeliveries(store.db, { status: "failed", limit: 26 });
 */
export async function listWebhookDeliveries(
  db: Queryable,
  query: { status?: WebhookDeliveryStatus; before?: number; limit: number },
): Promise<WebhookDelivery[]> {
  const where: SQL[] = [];
  if (query.status) where.push(eq(webhookDeliveries.status, query.status));
  if (query.before !== undefined) where.push(lt(webhookDeliveries.id, query.before));
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(query.limit);
}

/**
 * Delivery `id`. Throws SWB_ERR_NOT_FOUND for an unknown one (or one erased with its contact).
 *
 * @example
 * const delivery = await findWebhookDelivery(store.db, 7);
 */
export async function findWebhookDelivery(db: Queryable, id: number): Promise<WebhookDelivery> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row)
    throw new SwitchboardError(
      ErrorCodes.NOT_FOUND,
      `Webhook delivery ${id} does not exist. List deliveries with GET /api/v1/webhook-deliveries.`,
    );
  return row;
}

/**
 * Sends delivery `id` again: back to pending, and queued for the delivery job. Throws
 * SWB_ERR_CONFLICT when it is pending already, or when its URL is no longer in `[[webhooks]]`.
 *
 * @example
 * const pending = await replayWebhookDelivery({ store, jobs, webhooks: loaded.config.webhooks }, 7);
 */
export async function replayWebhookDelivery(
  deps: { store: Store; jobs: JobQueue; webhooks: WebhookEntry[] },
  id: number,
): Promise<WebhookDelivery> {
  return deps.store.write(async (tx) => {
    const delivery = await findWebhookDelivery(tx, id);
    if (delivery.status === "pending") {
      throw new SwitchboardError(
        ErrorCodes.CONFLICT,
        `Webhook delivery ${id} is pending already (${delivery.attempts} attempts so far): it will be sent again by itself. Replay it once it is delivered or has failed.`,
      );
    }
    const webhook = deps.webhooks.find((w) => w.url === delivery.url);
    if (!webhook) {
      throw new SwitchboardError(
        ErrorCodes.CONFLICT,
        `Webhook delivery ${id} went to ${delivery.url}, which is no longer in [[webhooks]] in the config. Add that webhook back to replay it.`,
      );
    }
    const [pending] = await tx.update(webhookDeliveries).set({ status: "pending" }).where(eq(webhookDeliveries.id, id)).returning();
    await scheduleDelivery(deps.jobs, tx, id, webhook);
    return pending!;
  });
}
