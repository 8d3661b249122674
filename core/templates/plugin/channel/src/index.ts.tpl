/**
 * {{package}}: a Switchboard channel. A sender POSTs customers' messages as JSON to
 * /webhooks/<inbox>/messages with the inbox's secret; agents' replies are POSTed as signed JSON to
 * the inbox's reply_url. Swap the two ends for your network's API and keep the rest.
 */
import { DeliveryError, SIGNATURE_HEADER, constantTimeEqual, definePlugin, signWebhook } from "@switchboard/core";
import { z } from "zod";

/** `[inboxes.<name>.options]` of an inbox on this channel (every key is in the README). */
export const inboxOptions = z
  .object({
    /** Senders put it in the X-Webhook-Secret header; replies are signed with it. */
    secret: z.string().min(16, "Use a secret of at least 16 characters."),
    /** Where replies are POSTed. */
    reply_url: z.url(),
    /** How long to wait for reply_url, in milliseconds. */
    timeout_ms: z.number().int().positive().default(10_000),
  })
  .strict();

/** What a sender POSTs for one customer message. */
const incoming = z.object({
  id: z.string().min(1),
  from: z.object({ id: z.string().min(1), name: z.string().optional(), email: z.string().optional() }),
  text: z.string(),
  thread: z.string().optional(),
});

export default definePlugin({
  name: "{{name}}",
  version: "0.1.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.channel("{{name}}", {
      family: "api", // messages from another system; SLA defaults and reports follow it
      options: inboxOptions,
      create(inbox) {
        const { secret, reply_url: replyUrl, timeout_ms: timeoutMs } = inbox.options;
        return {
          // The sender's customer ids mean something in this inbox only.
          identityScope: "inbox",
          webhook(app, emit) {
            app.post("/messages", async (c) => {
              if (!constantTimeEqual(c.req.header("x-webhook-secret") ?? "", secret)) return c.json({ error: "Send the inbox's secret in the X-Webhook-Secret header." }, 401);
              const body: unknown = await c.req.json().catch(() => null);
              const parsed = incoming.safeParse(body);
              if (!parsed.success) return c.json({ error: `Send JSON like {"id","from":{"id"},"text"}: ${z.prettifyError(parsed.error)}` }, 400);
              const { id, from, text, thread } = parsed.data;
              const result = await emit({ externalId: id, contact: { externalId: from.id, name: from.name, email: from.email }, text, threadKey: thread });
              if (result.status === "invalid") return c.json({ error: result.reason }, 422);
              if (result.status === "dropped") return c.json({ status: "dropped" }, 202);
              return c.json({ status: result.status, conversation_id: result.conversationId });
            });
          },
          async send(target, message) {
            const body = JSON.stringify({ to: target.contact.externalId, thread: target.threadKey, text: message.text, idempotency_key: message.idempotencyKey });
            const headers = { "Content-Type": "application/json", [SIGNATURE_HEADER]: await signWebhook(secret, body) };
            const response = await fetch(replyUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
            const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
            if (response.status === 429 || response.status >= 500) throw new DeliveryError(`${replyUrl} answered ${response.status}; retrying.`);
            if (!response.ok) throw new DeliveryError(`${replyUrl} refused the reply with ${response.status}; fix the receiver, then retry it from the inbox.`, { retryable: false });
            return typeof answer.id === "string" ? { externalId: answer.id } : {};
          },
        };
      },
    });
  },
});
