/**
 * The real client: whatsapp-web.js driving Debian's Chromium through Puppeteer, its session kept by
 * LocalAuth in the inbox's folder. Loaded only when an inbox starts, so tests and doctor never pay
 * for Puppeteer. It never downloads a browser (.puppeteerrc.cjs at the repository's root says so).
 */
import { createRequire } from "node:module";
import type { ClientFactory, WaMedia, WhatsAppClient } from "./client.ts";

type WwebjsModule = {
  Client: new (options: Record<string, unknown>) => WhatsAppClient;
  LocalAuth: new (options: { clientId: string; dataPath: string }) => unknown;
  MessageMedia: new (mimetype: string, data: string, filename?: string | null) => WaMedia;
};

const require = createRequire(import.meta.url);
let loaded: WwebjsModule | undefined;
const wwebjs = () => (loaded ??= require("whatsapp-web.js") as WwebjsModule);

/**
 * Creates whatsapp-web.js clients.
 *
 * @example
 * const adapter = createWhatsAppWebAdapter(inbox, realClients);
 */
export const realClients: ClientFactory = {
  create(settings) {
    const { Client, LocalAuth } = wwebjs();
    return new Client({
      authStrategy: new LocalAuth({ clientId: settings.inbox, dataPath: settings.sessionDir }),
      puppeteer: { executablePath: settings.executablePath, args: settings.chromiumArgs, headless: true },
      authTimeoutMs: settings.authTimeoutMs,
      // "local" would write a .wwebjs_cache folder into the working directory.
      webVersionCache: { type: "none" },
    });
  },
  media(mimetype, data, filename) {
    const { MessageMedia } = wwebjs();
    return new MessageMedia(mimetype, data, filename);
  },
};
