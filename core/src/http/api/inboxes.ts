/**
 * GET /inboxes: the configured inboxes the caller may see (core/src/access) and whether they run.
 * Options (tokens, secrets) never appear.
 */
import { z } from "@hono/zod-openapi";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { InboxSchema, json } from "./schemas.ts";
import { inboxJson } from "./serialize.ts";

const list = routes("Inboxes")({
  method: "get",
  path: "/inboxes",
  summary: "List the inboxes this agent may see, with their state",
  responses: { 200: json(z.object({ data: z.array(InboxSchema) }), "Every inbox the agent may see (admins: all)") },
});

/**
 * Registers GET /inboxes.
 *
 * @example
 * registerInboxRoutes(v1, switchboard);
 */
export function registerInboxRoutes(app: ApiApp, sb: Services): void {
  app.openapi(list, (c) => {
    const visible = c.get("viewer").inboxes;
    return c.json(
      {
        data: sb.inboxes
          .list()
          .filter((inbox) => visible.includes(inbox.name))
          .map(inboxJson),
      },
      200,
    );
  });
}
