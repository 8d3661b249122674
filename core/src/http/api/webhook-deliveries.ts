/**
 * Outgoing webhook deliveries over REST, for admins: the delivery log newest first, one delivery
 * with its payload, and replay. Other agents get 403, as for every admin-only setting (core/src/access).
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireAdmin } from "../../access/index.ts";
import type { Services } from "../../services.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { findWebhookDelivery, listWebhookDeliveries, replayWebhookDelivery, WEBHOOK_DELIVERY_STATUSES } from "../../webhooks/deliveries.ts";
import type { ApiApp, ApiEnv } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json, PageQuery, pageOf, WebhookDeliveryDetailSchema, WebhookDeliverySchema } from "./schemas.ts";
import { webhookDeliveryDetailJson, webhookDeliveryJson } from "./serialize.ts";

const route = routes("Webhooks");

const list = route({
  method: "get",
  path: "/webhook-deliveries",
  summary: "Outgoing webhook deliveries, newest first (admins only)",
  request: {
    query: PageQuery.extend({
      status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional().openapi({ description: "Only deliveries in this state" }),
    }),
  },
  responses: { 200: json(pageOf(WebhookDeliverySchema), "A page of deliveries") },
  errors: [403, 422],
});

const get = route({
  method: "get",
  path: "/webhook-deliveries/{id}",
  summary: "One outgoing webhook delivery, with its payload (admins only)",
  request: { params: IdParams },
  responses: { 200: json(WebhookDeliveryDetailSchema, "The delivery") },
  errors: [403, 404],
});

const replay = route({
  method: "post",
  path: "/webhook-deliveries/{id}/replay",
  summary: "Send a delivered or failed webhook delivery again (admins only)",
  description:
    "The delivery goes back to pending and is sent by the delivery job, with the webhook's retries. 409 when it is pending already or its webhook left the config.",
  request: { params: IdParams },
  responses: { 202: json(WebhookDeliverySchema, "The delivery, pending again") },
  errors: [403, 404, 409],
});

const adminsOnly = (c: Context<ApiEnv>) => requireAdmin(c.get("viewer"), "see and replay webhook deliveries");

/**
 * Registers GET /webhook-deliveries, GET /webhook-deliveries/{id} and POST /webhook-deliveries/{id}/replay.
 *
 * @example
 * registerWebhookDeliveryRoutes(v1, switchboard);
 */
export function registerWebhookDeliveryRoutes(app: ApiApp, sb: Services): void {
  app.openapi(list, async (c) => {
    adminsOnly(c);
    const q = c.req.valid("query");
    const before = q.cursor ? decodeCursor(q.cursor, 1)[0] : undefined;
    const fetched = await listWebhookDeliveries(sb.store.db, { status: q.status, before, limit: q.limit + 1 });
    const { rows, next } = page(fetched, q.limit, (d) => [d.id]);
    return c.json({ data: rows.map(webhookDeliveryJson), next_cursor: next }, 200);
  });

  app.openapi(get, async (c) => {
    adminsOnly(c);
    return c.json(webhookDeliveryDetailJson(await findWebhookDelivery(sb.store.db, c.req.valid("param").id)), 200);
  });

  app.openapi(replay, async (c) => {
    adminsOnly(c);
    const delivery = await replayWebhookDelivery(
      { store: sb.store, jobs: sb.jobs, webhooks: sb.loaded.config.webhooks },
      c.req.valid("param").id,
    );
    return c.json(webhookDeliveryJson(delivery), 202);
  });
}
