/**
 * The channels' status panels on /admin/inboxes (see `ChannelAdapter.statusPanel`): rendering one
 * to HTML, and GET /admin/inboxes/:name/panel/events, the live stream that sends the panel again
 * ("panel" events) each time its channel says it changed. Admins only, like every /admin route.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { describeError, ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import { EventStreams } from "../../../http/sse.ts";
import type { StatusPanel } from "../../../plugins/types.ts";
import type { Services } from "../../../services.ts";
import type { InboxEnv } from "../../env.ts";

/**
 * The panel as HTML; a panel that fails to render shows the failure instead (and it is logged).
 *
 * @example
 * const html = await renderStatusPanel(sb, "whatsapp", adapter.statusPanel);
 */
export async function renderStatusPanel(sb: Pick<Services, "log">, inbox: string, panel: StatusPanel): Promise<string> {
  try {
    return String(await Promise.resolve(String(await panel.render())));
  } catch (error) {
    const described = describeError(error);
    sb.log.error({ inbox, error: described }, "a channel's status panel failed to render");
    return String(await html`<p class="error-text">The channel's status panel failed to render: ${described.message}</p>`);
  }
}

/**
 * The live stream of every inbox's status panel. Streams close when Switchboard stops.
 *
 * @example
 * app.route("/", inboxPanelRoutes(sb));
 */
export function inboxPanelRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const streams = new EventStreams(sb.bus, sb.log);
  sb.onStop(() => streams.closeAll());

  app.get("/admin/inboxes/:name/panel/events", (c) => {
    const name = c.req.param("name");
    const panel = sb.inboxes.get(name)?.adapter?.statusPanel;
    if (!panel)
      throw new SwitchboardError(ErrorCodes.NOT_FOUND, `No inbox "${name}" with a status panel; the inboxes are listed on /admin/inboxes.`);
    return streams.stream(c, "status-panel", (send) => {
      let sending = false;
      let again = false;
      // Redraws that come while one renders collapse into one more render, so the page ends current.
      const redraw = async () => {
        if (sending) {
          again = true;
          return;
        }
        sending = true;
        do {
          again = false;
          send("panel", await renderStatusPanel(sb, name, panel));
        } while (again);
        sending = false;
      };
      const stop = panel.subscribe(() => void redraw());
      void redraw(); // what changed between the page's render and this stream's start
      return stop;
    });
  });

  return app;
}
