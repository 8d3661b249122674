/**
 * The options of one WhatsApp Web inbox (`[inboxes.<name>.options]`), checked by zod. Core turns a
 * failure into a ConfigError naming the file, the key and the plugin; the messages here say the fix.
 */
import { z } from "zod";

/** WhatsApp's longest text message, in characters. */
export const WHATSAPP_TEXT_LIMIT = 65_536;

export const whatsAppWebInboxOptions = z
  .object({
    /** The Chromium that Puppeteer drives. Debian's package installs it at /usr/bin/chromium. */
    executable_path: z.string().min(1).default("/usr/bin/chromium"),
    /** Extra Chromium flags. `--no-sandbox` is needed when Switchboard runs as root (in most containers). */
    chromium_args: z
      .array(z.string().startsWith("--", { message: 'each flag starts with "--", e.g. "--no-sandbox"' }))
      .default(["--no-sandbox"]),
    /**
     * Where the paired session is kept (LocalAuth), so a restart needs no new scan; one folder per
     * inbox inside it. Relative to the folder Switchboard starts in. Keep it private: it is the login.
     */
    session_dir: z.string().min(1).default("data/whatsapp-web"),
    /** Group chats: off by default; when on, each group is one conversation. */
    groups: z.boolean().default(false),
    /** The least time between two sends to one chat, in seconds (lowers the risk of a ban). */
    min_interval_per_chat_seconds: z.number().min(0).max(3600).default(3),
    /** The least time between any two sends of this inbox, in seconds. */
    min_interval_seconds: z.number().min(0).max(3600).default(1),
    /** Media larger than this (bytes) is listed on the message but not downloaded. */
    max_file_bytes: z
      .number()
      .int()
      .nonnegative()
      .default(16 * 1024 * 1024),
    /** How long WhatsApp Web may take to load and authenticate before the inbox reports a failure, in seconds. */
    auth_timeout_seconds: z.number().int().min(5).max(600).default(60),
    /** After WhatsApp drops the session or the launch fails, wait this long before starting again (a new QR code), in seconds. */
    restart_after_seconds: z.number().min(0).max(3600).default(10),
  })
  .strict();

export type WhatsAppWebOptions = z.output<typeof whatsAppWebInboxOptions>;
