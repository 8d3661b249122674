/** @jsxImportSource hono/jsx */
/**
 * /admin/webhooks: the outgoing webhook delivery log (50 a page, newest first, by status) and
 * replay. A plain form POST redirects back with a notice; through htmx the row is swapped for its
 * new state, or says why the replay was refused.
 */
import { Hono } from "hono";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Services } from "../../../services.ts";
import {
  findWebhookDelivery,
  listWebhookDeliveries,
  replayWebhookDelivery,
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookDeliveryStatus,
} from "../../../webhooks/deliveries.ts";
import type { InboxEnv } from "../../env.ts";
import { renderFragment, renderPage } from "../../render.ts";
import { AdminPage } from "../../views/admin/page.tsx";
import { DeliveryRow, WebhookDeliveriesView } from "../../views/admin/webhooks.tsx";
import { attempt, done, idParam, noticeFromQuery, type Shared, type ShowPage } from "./support.ts";

const PAGE_SIZE = 50;

const statusOf = (value: string | undefined): WebhookDeliveryStatus | undefined => WEBHOOK_DELIVERY_STATUSES.find((s) => s === value);

export function webhookAdminRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const replay = (id: number) => replayWebhookDelivery({ store: sb.store, jobs: sb.jobs, webhooks: sb.loaded.config.webhooks }, id);

  const show: ShowPage = async (c, notice, status = 200) => {
    const session = c.get("session");
    const filter = statusOf(c.req.query("status"));
    const before = Number(c.req.query("before"));
    const fetched = await listWebhookDeliveries(sb.store.db, {
      status: filter,
      before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE_SIZE + 1,
    });
    const rows = fetched.slice(0, PAGE_SIZE);
    const older = fetched.length > PAGE_SIZE ? rows[rows.length - 1]!.id : undefined;
    return renderPage(
      c,
      <AdminPage title="Webhook deliveries" page={{ ...shared, session }} section="/admin/webhooks" notice={notice}>
        <WebhookDeliveriesView deliveries={rows} status={filter} older={older} csrf={session.csrfToken} />
      </AdminPage>,
      status,
    );
  };

  app.get("/admin/webhooks", (c) => show(c, noticeFromQuery(c)));

  app.post("/admin/webhooks/:id/replay", async (c) => {
    const id = idParam(c);
    if (!c.req.header("HX-Request"))
      return attempt(c, show, async () => {
        await replay(id);
        return done(c, "/admin/webhooks", "delivery-replayed");
      });
    let note = "Replayed: it is being sent again.";
    try {
      await replay(id);
    } catch (error) {
      if (!(error instanceof SwitchboardError && error.code === ErrorCodes.CONFLICT)) throw error;
      note = error.message;
    }
    return renderFragment(
      c,
      <DeliveryRow delivery={await findWebhookDelivery(sb.store.db, id)} csrf={c.get("session").csrfToken} note={note} />,
    );
  });

  return app;
}
