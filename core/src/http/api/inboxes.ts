/**
 * GET /inboxes: the configured inboxes and whether they run. Options (tokens, secrets) never appear.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Switchboard } from "../../switchboard.ts";
import type { ApiApp } from "./app.ts";
import { errors, InboxSchema, json } from "./schemas.ts";
import { inboxJson } from "./serialize.ts";

const list = createRoute({
  method: "get",
  path: "/inboxes",
  tags: ["Inboxes"],
  summary: "List inboxes with their state",
  responses: { 200: json(z.object({ data: z.array(InboxSchema) }), "Every inbox in the config"), 401: errors[401] },
});

/**
 * Registers GET /inboxes.
 *
 * @example
 * registerInboxRoutes(v1, switchboard);
 */
export function registerInboxRoutes(app: ApiApp, sb: Switchboard): void {
  app.openapi(list, (c) => c.json({ data: sb.inboxes.list().map(inboxJson) }, 200));
}
