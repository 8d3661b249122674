// A channel: one adapter per inbox, receiving on a webhook and sending through the network's API.
import { DeliveryError, definePlugin } from "@switchboard/core";
import { z } from "zod";

export default definePlugin({
  name: "pager",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.channel("pager", {
      family: "messaging", // SLA defaults and reports group inboxes by it
      options: z.object({ token: z.string().min(16), api: z.url() }), // [inboxes.<name>.options]
      create(inbox) {
        const { token, api } = inbox.options;
        return {
          webhook(app, emit) {
            app.post("/", async (c) => {
              const page = (await c.req.json()) as { id: string; from: string; body: string };
              const result = await emit({ externalId: page.id, contact: { externalId: page.from }, text: page.body });
              if (result.status === "invalid") return c.json({ error: result.reason }, 422);
              return c.json({ ok: true }); // answer only after emit resolved: the message is stored
            });
          },
          async send(target, message) {
            const res = await fetch(`${api}/send`, {
              method: "POST",
              headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
              body: JSON.stringify({ to: target.contact.externalId, text: message.text }),
            });
            if (res.status === 429) throw new DeliveryError("Rate limited.", { retryAfterMs: 5_000 });
            if (!res.ok) throw new DeliveryError(`The pager API answered ${res.status}.`, { retryable: res.status >= 500 });
            return { externalId: ((await res.json()) as { id: string }).id };
          },
        };
      },
    });
  },
});
