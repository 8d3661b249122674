/**
 * The options of one Telegram inbox (`[inboxes.<name>.options]`), checked by zod. Core turns a
 * failure into a ConfigError naming the file, the key and the plugin; the messages here say the fix.
 */
import { z } from "zod";

/** Telegram's longest text message, in UTF-16 code units (what JavaScript's `length` counts). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** With `long_text = "split"`, a reply may fill this many messages. */
export const MAX_SPLIT_PARTS = 10;

export const telegramInboxOptions = z
  .object({
    /** The bot token from @BotFather. Give it as "${TELEGRAM_BOT_TOKEN}" so it stays out of the file. */
    token: z.string().regex(/^\d+:[A-Za-z0-9_-]{30,}$/, {
      message: 'expected a bot token like "123456789:AAE…" from @BotFather (write token = "${TELEGRAM_BOT_TOKEN}")',
    }),
    /** "polling" (getUpdates; works behind NAT) or "webhook" (Telegram POSTs to <public_url>/webhooks/<inbox>). */
    mode: z.enum(["polling", "webhook"]).default("polling"),
    /** The Bot API server: Telegram's, or your own local Bot API server. */
    api_root: z
      .url({ message: 'expected a URL such as "https://api.telegram.org"' })
      .default("https://api.telegram.org")
      .transform((url) => url.replace(/\/+$/, "")),
    /** Webhook mode: the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token. 16–256 of A–Z a–z 0–9 _ -. */
    webhook_secret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, { message: "use 16 to 256 characters of A-Z, a-z, 0-9, _ and -" })
      .optional(),
    /** Webhook mode: call setWebhook with <server.public_url>/webhooks/<inbox> on start. */
    register_webhook: z.boolean().default(true),
    /** Polling mode: how long one getUpdates waits for news, in seconds. */
    poll_timeout_seconds: z.number().int().min(0).max(50).default(30),
    /** Group chats: "mentions" (messages that mention the bot or reply to it), "all", or "off". */
    groups: z.enum(["mentions", "all", "off"]).default("mentions"),
    /** Media larger than this (bytes) is listed but not downloaded. The Bot API serves at most 20 MB. */
    max_file_bytes: z
      .number()
      .int()
      .nonnegative()
      .default(20 * 1024 * 1024),
    /** Replies over 4096 characters: "split" into several messages (up to 10), or "refuse" them in the composer. */
    long_text: z.enum(["split", "refuse"]).default("split"),
    /** Quote the customer's message in the reply (reply_parameters): in "groups" only, "always", or "off". */
    reply_threading: z.enum(["groups", "always", "off"]).default("groups"),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.mode === "webhook" && !options.webhook_secret) {
      ctx.addIssue({
        code: "custom",
        path: ["webhook_secret"],
        message:
          'required when mode = "webhook": set a random string of 16-256 letters, digits, _ or - (e.g. "${TELEGRAM_WEBHOOK_SECRET}")',
      });
    }
  });

export type TelegramOptions = z.output<typeof telegramInboxOptions>;
