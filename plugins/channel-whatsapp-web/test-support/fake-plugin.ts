/**
 * The WhatsApp Web plugin driving fake clients (fake-client.ts) instead of Chromium: load it by path
 * as a plugin package in tests and the playground, after `registerFakeWhatsApp(<inbox name>)`.
 */
import { whatsAppWebPlugin } from "../src/index.ts";
import { fakeClients } from "./fake-client.ts";

export default whatsAppWebPlugin(fakeClients);
