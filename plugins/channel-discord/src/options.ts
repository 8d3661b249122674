/**
 * The options of one Discord inbox (`[inboxes.<name>.options]`), checked by zod. Core turns a
 * failure into a ConfigError naming the file, the key and the plugin; the messages here say the fix.
 */
import { z } from "zod";

/** Discord's longest message, in characters. */
export const DISCORD_TEXT_LIMIT = 2000;
/** With `long_text = "split"`, a reply may fill this many messages. */
export const MAX_SPLIT_PARTS = 10;

const snowflake = z
  .string({ error: 'write each channel id as a quoted string, e.g. "1234567890123456789" (a bare number loses digits)' })
  .regex(/^\d{17,20}$/, {
    message: "expected a channel id (17-20 digits): enable Developer Mode in Discord, right-click the channel, Copy Channel ID",
  });

export const discordInboxOptions = z
  .object({
    /** The bot token (Developer Portal → your application → Bot → Reset Token). Give it as "${DISCORD_BOT_TOKEN}". */
    token: z.string().regex(/^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/, {
      message: 'expected a bot token from the Developer Portal (Bot → Reset Token); write token = "${DISCORD_BOT_TOKEN}"',
    }),
    /** Text or forum channels whose threads (forum posts) become conversations. */
    support_channels: z.array(snowflake).default([]),
    /** Take direct messages to the bot (one conversation per person). */
    dms: z.boolean().default(true),
    /** The REST API base; change it only for a proxy (or a fake in tests). The gateway URL comes from GET /gateway/bot. */
    api_root: z
      .url({ message: 'expected a URL such as "https://discord.com/api"' })
      .default("https://discord.com/api")
      .transform((url) => url.replace(/\/+$/, "")),
    /** Keep a copy of customers' attachments (Discord's CDN links expire); otherwise only their URL is stored. */
    download_attachments: z.boolean().default(true),
    /** Attachments larger than this (bytes) keep their URL only. */
    max_file_bytes: z
      .number()
      .int()
      .nonnegative()
      .default(25 * 1024 * 1024),
    /** Replies over 2000 characters: "split" into several messages (up to 10), or "refuse" them in the composer. */
    long_text: z.enum(["split", "refuse"]).default("split"),
  })
  .strict();

export type DiscordOptions = z.output<typeof discordInboxOptions>;
