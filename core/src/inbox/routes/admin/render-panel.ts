/**
 * A channel's status panel rendered to HTML for /admin/inboxes, or the reason it could not be.
 */
import { html } from "hono/html";
import { describeError } from "../../../errors/index.ts";
import type { StatusPanel } from "../../../plugins/types.ts";
import type { Services } from "../../../services.ts";

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
