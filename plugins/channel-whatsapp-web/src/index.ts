/**
 * @switchboard/channel-whatsapp-web: a WhatsApp number as a Switchboard inbox through WhatsApp Web
 * (whatsapp-web.js driving Debian's Chromium). UNOFFICIAL: WhatsApp may ban numbers that send
 * spam-like messages; read README.md before using it. Pairing by QR code on /admin/inboxes; text
 * and media both ways; acks as delivery statuses; paced sends; groups off by default.
 *
 * Config:
 *   [plugins.whatsapp-web]
 *   package = "@switchboard/channel-whatsapp-web"
 *   [inboxes.whatsapp]
 *   plugin = "whatsapp-web"
 *   [inboxes.whatsapp.options]
 *   executable_path = "/usr/bin/chromium"
 */
import { definePlugin, type SwitchboardPlugin } from "@switchboard/core";
import { createWhatsAppWebAdapter } from "./adapter.ts";
import type { ClientFactory } from "./client.ts";
import { whatsAppWebInboxOptions } from "./options.ts";
import { realClients } from "./real-client.ts";

export type { ClientFactory, WaClientInfo, WaMedia, WaMessage, WaMessageId, WhatsAppClient } from "./client.ts";
export { type WhatsAppWebOptions, whatsAppWebInboxOptions } from "./options.ts";

/**
 * The plugin, with the clients it drives: whatsapp-web.js by default, or an object that behaves
 * like its `Client` (tests, the playground's simulated customers).
 *
 * @example
 * export default whatsAppWebPlugin({ create: () => new SimulatedClient(), media: (mimetype, data, filename) => ({ mimetype, data, filename }) });
 */
export function whatsAppWebPlugin(clients: ClientFactory = realClients): SwitchboardPlugin {
  return definePlugin({
    name: "channel-whatsapp-web",
    version: "0.1.0",
    core: "^1.1.0",
    setup(ctx) {
      ctx.channel("whatsapp-web", {
        family: "messaging",
        options: whatsAppWebInboxOptions,
        create: (inbox) => createWhatsAppWebAdapter(inbox, clients),
      });
    },
  });
}

export default whatsAppWebPlugin();
