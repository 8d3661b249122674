/**
 * The simulator's WhatsApp Cloud API driver: a person writes from their own number through the
 * fake Cloud API (plugins/channel-whatsapp-cloud/test-support), which POSTs signed webhook
 * deliveries in Meta's shapes to Switchboard, as Meta would; the agents' replies come back through
 * the fake's `POST /{phone-number-id}/messages`, and are reported delivered and read. Their
 * verified phone joins the person's contact from their other channels.
 */
import { type FakeWhatsApp, message, status } from "../../plugins/channel-whatsapp-cloud/test-support/fake.ts";
import type { ChannelDriver } from "./simulator.ts";

/**
 * A driver for one WhatsApp Cloud inbox on `wa`, whose webhook is `webhookUrl()`.
 *
 * @example
 * const whatsapp = whatsAppCloudDriver(wa, () => `${url}/webhooks/whatsapp`);
 */
export function whatsAppCloudDriver(wa: FakeWhatsApp, webhookUrl: () => string): ChannelDriver {
  const byNumber = new Map<string, string>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let seen = 0;
  return {
    name: "whatsapp",
    label: "WhatsApp (Cloud API)",
    async say(person, text) {
      const number = person.phone.replace(/^\+/, "");
      byNumber.set(number, person.key);
      const answer = await wa.graph.deliver(
        webhookUrl(),
        message("text", { body: text }, { from: { wa_id: number, name: `${person.first} ${person.last}` } }),
      );
      if (answer.status !== 200) throw new Error(`The WhatsApp webhook answered ${answer.status}: ${answer.text}`);
    },
    start(deliver) {
      let sends = 0;
      timer = setInterval(() => {
        const calls = wa.graph.calls;
        for (; seen < calls.length; seen++) {
          const call = calls[seen]!;
          if (call.method !== "POST" || !call.path.endsWith("/messages")) continue;
          const id = wa.sentIds[sends++];
          const body = call.body as { to?: string; type: string; text?: { body: string }; image?: { caption?: string } };
          const key = body.to ? byNumber.get(body.to) : undefined;
          if (!key || !id) continue;
          deliver(key, body.text?.body ?? body.image?.caption ?? `(a ${body.type})`);
          // Delivered, then read on the phone.
          void (async () => {
            for (const state of ["delivered", "read"])
              await wa.graph
                .deliver(webhookUrl(), status(id, state, { recipient: body.to }))
                .catch((error: Error) => console.warn(`A WhatsApp status was not delivered: ${error.message}`));
          })();
        }
      }, 200);
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
