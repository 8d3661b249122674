/**
 * The admin pages, for admins only: agents, teams, inboxes (read-only, with each channel's
 * health and live status panel), canned responses, labels and the outgoing webhook deliveries. Mounted behind the
 * inbox's session and CSRF checks.
 */
import { Hono } from "hono";
import type { Services } from "../../../services.ts";
import type { InboxEnv } from "../../env.ts";
import { requireAdmin } from "../../middleware.ts";
import { agentAdminRoutes } from "./agents.tsx";
import { cannedAdminRoutes } from "./canned.tsx";
import { inboxPanelRoutes } from "./inbox-panels.ts";
import { inboxAdminRoutes } from "./inboxes.tsx";
import { knowledgeAdminRoutes } from "./knowledge.tsx";
import { labelAdminRoutes } from "./labels.tsx";
import type { Shared } from "./support.ts";
import { singleTeamAdminRoutes } from "./team.tsx";
import { teamAdminRoutes } from "./teams.tsx";
import { webhookAdminRoutes } from "./webhooks.tsx";

/**
 * The /admin routes. Every one needs an admin (others get 403).
 *
 * @example
 * app.route("/", adminRoutes(sb, { assets, theme }));
 */
export function adminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.use("/admin", requireAdmin());
  app.use("/admin/*", requireAdmin());
  app.get("/admin", (c) => c.redirect("/admin/agents", 303));
  for (const routes of [
    agentAdminRoutes,
    teamAdminRoutes,
    singleTeamAdminRoutes,
    inboxAdminRoutes,
    cannedAdminRoutes,
    knowledgeAdminRoutes,
    labelAdminRoutes,
    webhookAdminRoutes,
  ])
    app.route("/", routes(sb, shared));
  app.route("/", inboxPanelRoutes(sb));
  return app;
}
