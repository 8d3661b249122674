/**
 * GET /inboxes: the configured inboxes the caller may see (core/src/access) and whether they run.
 * Options (tokens, secrets) never appear.
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
  summary: "List the inboxes this agent may see, with their state",
  responses: { 200: json(z.object({ data: z.array(InboxSchema) }), "Every inbox the agent may see (admins: all)"), 401: errors[401] },
});

/**
 * Registers GET /inboxes.
 *
 * @example
 * registerInboxRoutes(v1, switchboard);
 */
export function registerInboxRoutes(app: ApiApp, sb: Switchboard): void {
  app.openapi(list, (c) => {
    const visible = c.get("viewer").inboxes;
    return c.json({ data: sb.inboxes.list().filter((inbox) => visible.includes(inbox.name)).map(inboxJson) }, 200);
  });
}
