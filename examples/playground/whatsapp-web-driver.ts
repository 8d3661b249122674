/**
 * The simulator's WhatsApp Web driver: the real channel-whatsapp-web adapter runs over the
 * Client-like fake of its test-support (no Chromium, no WhatsApp), registered for the inbox before
 * Switchboard starts. The phone pairs as soon as the QR code is up, then each person writes from
 * their own number ("<digits>@c.us", so their verified phone joins their other channels' contact);
 * the agents' replies come back through the fake client's sends.
 */
import { type FakeWhatsApp, registerFakeWhatsApp } from "../../plugins/channel-whatsapp-web/test-support/fake-client.ts";
import type { ChannelDriver } from "./simulator.ts";

/** The plugin that drives the fake clients (load it by path as the plugin package). */
export const WHATSAPP_WEB_FAKE_PLUGIN = new URL("../../plugins/channel-whatsapp-web/test-support/fake-plugin.ts", import.meta.url).pathname;

/**
 * Registers the fake WhatsApp of `inbox` (call before Switchboard starts) and returns its driver.
 *
 * @example
 * const whatsapp = whatsAppWebDriver("whatsapp");
 * // ... start Switchboard with the inbox "whatsapp" on WHATSAPP_WEB_FAKE_PLUGIN, then:
 * drivers.push(whatsapp);
 */
export function whatsAppWebDriver(inbox: string): ChannelDriver & { world: FakeWhatsApp } {
  const world = registerFakeWhatsApp(inbox);
  world.paired = true; // the admin scanned the code once; the session is kept
  const byChat = new Map<string, string>();
  const ready = async () => {
    for (let i = 0; i < 500 && !world.latest?.info; i++) await Bun.sleep(10);
    if (!world.latest?.info) throw new Error("The WhatsApp Web inbox never became ready.");
    return world.latest;
  };
  return {
    name: "whatsapp-web",
    label: "WhatsApp (Web)",
    world,
    async say(person, text) {
      const client = await ready();
      const chat = `${person.phone.replace(/^\+/, "")}@c.us`;
      byChat.set(chat, person.key);
      client.receive({ from: chat, body: text, notifyName: `${person.first} ${person.last}` });
    },
    start(deliver) {
      world.onSent = (client, sent) => {
        const key = byChat.get(sent.chatId);
        if (!key) return;
        deliver(key, typeof sent.content === "string" ? sent.content : (sent.options?.caption ?? "(a file)"));
        setTimeout(() => client.ack(sent.message, 3), 50); // delivered and read on the phone
      };
    },
    async stop() {
      world.onSent = undefined;
    },
  };
}
