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
 *
 * Every option, with its default, is in the README beside this package and in
 * config/switchboard.sample.toml.
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";
import { registerInboundRoutes } from "./inbound.ts";
import { sendReply } from "./outbound.ts";

/** The attachment types downloaded when `attachment_content_types` is not set. */
export const DEFAULT_CONTENT_TYPES = [
  "image/*",
  "audio/*",
  "video/*",
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/zip",
  "application/json",
];

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
    /** The largest attachment file downloaded from an integration's URL, in bytes (default 10 MiB). Larger ones stay outside links. */
    attachment_max_bytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** How long downloading one attachment (redirects included) may take, in milliseconds; the webhook answers after it. */
    attachment_timeout_ms: z.number().int().positive().max(60_000).default(10_000),
    /** The media types downloaded, exact ("application/pdf") or a family ("image/*"); other files stay outside links. */
    attachment_content_types: z
      .array(
        z.string().regex(/^[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+)$/, { message: 'write a media type such as "application/pdf" or "image/*"' }),
      )
      .default(DEFAULT_CONTENT_TYPES),
    /**
     * True lets attachment downloads reach loopback, link-local and private addresses (IPv4 and
     * IPv6, also through a name that resolves there). Off by default, so an integration cannot make
     * Switchboard fetch from its own machine or network. Turn it on only for an intranet file server.
     */
    allow_private_attachment_urls: z.boolean().default(false),
  })
  .strict();

export default definePlugin({
  name: "channel-api",
  version: "0.1.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.channel("api", {
      family: "api",
      options: apiInboxOptions,
      create(inbox) {
        const { secret, webhook_url: webhookUrl, max_text_length: maxTextLength, timeout_ms: timeoutMs } = inbox.options;
        const limits = {
          maxBytes: inbox.options.attachment_max_bytes,
          timeoutMs: inbox.options.attachment_timeout_ms,
          contentTypes: inbox.options.attachment_content_types,
          allowPrivate: inbox.options.allow_private_attachment_urls,
        };
        return {
          idempotentSends: true,
          // Each integration numbers its own customers: "42" from the shop and "42" from the app are two people.
          identityScope: "inbox",
          limits: { maxTextLength },
          webhook: (app, emit) => registerInboundRoutes(app, emit, { secret, limits, log: inbox.log }),
          send: (target, message) => sendReply({ webhookUrl, secret, timeoutMs }, target, message),
          async health() {
            return webhookUrl
              ? { ok: true }
              : { ok: true, attention: true, message: "No webhook_url: customers' messages arrive, but replies cannot be delivered." };
          },
        };
      },
    });
  },
});
