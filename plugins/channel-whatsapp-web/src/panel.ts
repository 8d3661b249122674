/**
 * The inbox's status panel on /admin/inboxes: the QR code to scan (an SVG rendered on the server
 * with `qrcode`, so the page needs no script and nothing leaves the server), the paired number, and
 * the connection state with what to do. Core redraws it live whenever the connection changes.
 */
import type { StatusPanel } from "@switchboard/core";
import { html, raw } from "hono/html";
import QRCode from "qrcode";
import type { Connection } from "./connection.ts";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";

/**
 * The panel of one inbox.
 *
 * @example
 * statusPanel: whatsAppPanel(connection),
 */
export function whatsAppPanel(connection: Connection): StatusPanel {
  return {
    subscribe: (redraw) => connection.subscribe(redraw),
    async render() {
      const current = connection.current;
      const since = when(connection.since);
      switch (current.state) {
        case "qr": {
          const svg = await QRCode.toString(current.qr, { type: "svg", margin: 2, errorCorrectionLevel: "L" });
          return html`<p><strong>Not paired.</strong> On the phone, open WhatsApp → Settings → Linked devices → Link a device, and scan this code (it changes every few seconds; this page follows it).</p>
<figure class="qr" style="max-width:18rem;background:#fff;padding:0.5rem" role="img" aria-label="QR code to link WhatsApp">${raw(svg)}</figure>
<p class="muted">WhatsApp Web is unofficial: numbers that send spam-like messages can be banned. See the plugin's README.</p>`;
        }
        case "ready":
          return html`<p><span class="ok">Connected</span> as <strong>${current.phone}</strong>${current.name ? html` (${current.name})` : ""}, since ${since}.</p>`;
        case "authenticated":
          return html`<p>QR code scanned; WhatsApp is loading the chats (since ${since})…</p>`;
        case "starting":
          return html`<p>Starting Chromium and WhatsApp Web (since ${since})…</p>`;
        case "disconnected":
          return html`<p class="error-text">${current.reason}</p><p class="muted">Since ${since}. A new QR code appears here in a few seconds.</p>`;
        case "failed":
          return html`<p class="error-text">${current.error}</p><p class="muted">Since ${since}.</p>`;
        case "stopped":
          return html`<p class="muted">Not running in this process.</p>`;
      }
    },
  };
}
