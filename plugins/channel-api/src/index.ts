/**
 * @switchboard/channel-api: the API channel. Any system can POST customer messages into an inbox
 * and receive the agents' replies as signed webhooks, like Chatwoot's API channel.
 *
 * Config:
 *   [plugins.api]
 *   package = "@switchboard/channel-api"
 *   [inboxes.shop]
 *   plugin = "api"
 *   [inboxes.shop.options]
 *   secret = "${SHOP_INBOX_SECRET}"
 *   webhook_url = "https://shop.example.com/switchboard/replies"
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";
import { registerInboundRoutes } from "./inbound.ts";
import { sendReply } from "./outbound.ts";

export const apiInboxOptions = z
  .object({
    /** Shared secret: the bearer token for inbound POSTs and the HMAC key of reply webhooks. */
    secret: z.string().min(16, { message: "use a secret of at least 16 characters" }),
    /** Where agent replies are POSTed. */
    webhook_url: z.url().optional(),
    /** The longest reply agents may send, in characters. */
    max_text_length: z.number().int().positive().default(10_000),
    /** How long one reply webhook may take, in milliseconds. */
    timeout_ms: z.number().int().positive().default(10_000),
  })
  .strict();

export default definePlugin({
  name: "channel-api",
  version: "0.1.0",
  setup(ctx) {
    ctx.channel("api", {
      options: apiInboxOptions,
      create(inbox) {
        const { secret, webhook_url: webhookUrl, max_text_length: maxTextLength, timeout_ms: timeoutMs } = inbox.options;
        return {
          idempotentSends: true,
          // Each integration numbers its own customers: "42" from the shop and "42" from the app are two people.
          identityScope: "inbox",
          limits: { maxTextLength },
          webhook: (app, emit) => registerInboundRoutes(app, emit, secret),
          send: (target, message) => sendReply({ webhookUrl, secret, timeoutMs }, target, message),
          async health() {
            return webhookUrl ? { ok: true } : { ok: true, message: "No webhook_url: customers' messages arrive, but replies cannot be delivered." };
          },
        };
      },
    });
  },
});
