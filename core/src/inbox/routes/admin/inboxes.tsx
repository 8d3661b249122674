/** @jsxImportSource hono/jsx */
/**
 * /admin/inboxes: the configured inboxes (read-only) with their state, a live health check (each
 * check has its own timeout inside the runtime) and the channels' status panels, and the plugins
 * with theirs. Only named
 * fields are copied out of the runtime, so options and secrets never reach the page.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { Services } from "../../../services.ts";
import { teamInboxes, teams } from "../../../store/schema.ts";
import type { InboxEnv } from "../../env.ts";
import { renderPage } from "../../render.ts";
import { InboxesView, type InboxRow } from "../../views/admin/inboxes.tsx";
import { AdminPage } from "../../views/admin/page.tsx";
import { panelRelayOf } from "./panel-relay.ts";
import { renderStatusPanel } from "./render-panel.ts";
import type { Shared } from "./support.ts";

export function inboxAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const renderedPanel = async (inbox: string) => {
    const panel = panelRelayOf(sb).panelFor(inbox);
    return panel ? renderStatusPanel(sb, inbox, panel) : undefined;
  };

  app.get("/admin/inboxes", async (c) => {
    const session = c.get("session");
    const given = await sb.store.db
      .select({ inbox: teamInboxes.inbox, team: teams.name })
      .from(teamInboxes)
      .innerJoin(teams, eq(teams.id, teamInboxes.teamId))
      .orderBy(teams.name);
    const inboxes: InboxRow[] = await Promise.all(
      sb.inboxes.list().map(async (i) => ({
        name: i.name,
        displayName: i.displayName,
        channel: i.channel,
        plugin: i.plugin,
        state: i.state,
        error: i.error,
        health: await sb.inboxes.health(i.name),
        teams: given.filter((g) => g.inbox === i.name).map((g) => g.team),
        panel: await renderedPanel(i.name),
      })),
    );
    const plugins = sb.registry.plugins.map((p) => ({
      alias: p.alias,
      name: p.name,
      version: p.version,
      state: p.state,
      error: p.error ? { code: p.error.code, message: p.error.message } : undefined,
    }));
    return renderPage(
      c,
      <AdminPage title="Inboxes" page={{ ...shared, session }} section="/admin/inboxes">
        <InboxesView inboxes={inboxes} plugins={plugins} cluster={sb.cluster.status()} />
      </AdminPage>,
    );
  });

  return app;
}
