/**
 * The channels' status panels on /admin/inboxes (see `ChannelAdapter.statusPanel`):
 * GET /admin/inboxes/:name/panel/events, the live stream that sends the panel again
 * ("panel" events) each time its channel says it changed. Admins only, like every /admin route.
 */
import { Hono } from "hono";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import { EventStreams } from "../../../http/sse.ts";
import type { Services } from "../../../services.ts";
import type { InboxEnv } from "../../env.ts";
import { panelRelayOf } from "./panel-relay.ts";
import { renderStatusPanel } from "./render-panel.ts";

/**
 * The live stream of every inbox's status panel. Streams close when Switchboard stops.
 *
 * @example
 * app.route("/", inboxPanelRoutes(sb));
 */
export function inboxPanelRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  // Made now, not on the first page: the process running an exclusive inbox must publish its panel for the others.
  const relay = panelRelayOf(sb);
  const streams = new EventStreams(sb.bus, sb.log);
  sb.onStop(() => streams.closeAll());

  app.get("/admin/inboxes/:name/panel/events", (c) => {
    const name = c.req.param("name");
    const panel = relay.panelFor(name);
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
