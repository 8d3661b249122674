/**
 * The options of one webchat inbox (`[inboxes.<name>.options]`), checked by zod. Core turns a
 * failure into a ConfigError naming the file, the key and the plugin; the messages here say the fix.
 * README.md documents every key with its default.
 */
import { z } from "zod";

const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
export type Weekday = z.infer<typeof weekday>;

/** "09:00-17:00" or "09:00-12:00,13:00-17:00"; "" means closed (the same format as core's [business_hours]). */
const hoursRange = z
  .string()
  .regex(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d(,([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)*$/, {
    message: 'expected "HH:MM-HH:MM" (several ranges separated by commas, or "" for closed)',
  });

export const businessHoursOptions = z
  .object({
    timezone: z.string().default("UTC").refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin"' }),
    days: z.partialRecord(weekday, hoursRange),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date "YYYY-MM-DD"' })).default([]),
  })
  .strict();
export type BusinessHours = z.output<typeof businessHoursOptions>;

/** A CSS colour the widget puts in a custom property: hex only, so nothing else can reach the stylesheet. */
const color = z
  .string()
  .regex(/^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i, { message: 'expected a hex colour such as "#4f46e5"' });

/** An origin such as "https://shop.example.com" (scheme, host, optional port; no path), or "*". */
const origin = z.string().refine((value) => value === "*" || isOrigin(value), {
  message: 'expected an origin such as "https://shop.example.com" (no path, no trailing "/"), or "*" for any site',
});

export const webchatInboxOptions = z
  .object({
    /** Signs visitor tokens, and is the key of `identifier_hash` (HMAC-SHA256). Keep it on your servers only. */
    secret: z.string().min(16, { message: 'use a secret of at least 16 characters (write secret = "${WEBCHAT_SECRET}")' }),
    /** The sites that may embed this inbox's widget. */
    allowed_origins: z
      .array(origin)
      .min(1, { message: 'list the sites that embed the widget, e.g. ["https://shop.example.com"] (or ["*"] for any site)' }),
    /** Read the client IP from the last X-Forwarded-For hop (set this behind a reverse proxy only). */
    trust_proxy: z.boolean().default(false),
    /** How long a visitor token is valid; every visit renews it. */
    token_ttl_days: z.number().int().min(1).max(3650).default(365),

    /** The widget header. */
    title: z.string().min(1).max(80).default("Chat with us"),
    /** The first line a visitor sees. */
    greeting: z.string().max(500).default("Hi! How can we help?"),
    /** The text on the launcher button. */
    launcher_label: z.string().min(1).max(40).default("Chat"),
    /** The widget's language for its own texts: "auto" follows the visitor's browser. */
    language: z.enum(["auto", "en", "de"]).default("auto"),
    position: z.enum(["right", "left"]).default("right"),
    /** "auto" follows the visitor's system setting. */
    theme: z.enum(["auto", "light", "dark"]).default("auto"),
    colors: z
      .object({
        /** The launcher, the header and the visitor's bubbles. */
        primary: color.default("#4f46e5"),
        /** Text on the primary colour. */
        on_primary: color.default("#ffffff"),
      })
      .strict()
      .default({ primary: "#4f46e5", on_primary: "#ffffff" }),
    /** Show the agent's name on replies. */
    show_agent_names: z.boolean().default(true),

    /** The pre-chat form (name and email): "off", "optional" (may be skipped) or "required". */
    pre_chat: z.enum(["off", "optional", "required"]).default("off"),
    /**
     * Ask the visitor to prove the email of the pre-chat or offline form: Switchboard's verified linking
     * sends a code and a one-click link there (from an email inbox) and the visitor types the code here.
     */
    verify_prechat_email: z.boolean().default(false),
    /** When the team answers. Left out: always open. Copy core's [business_hours] here (plugins cannot read it). */
    business_hours: businessHoursOptions.optional(),
    /** Also offline while no agent who may answer in this inbox is online (their availability in the inbox). */
    offline_when_no_agent_online: z.boolean().default(true),
    /** Shown while open: "We typically reply within N minutes". */
    reply_time_minutes: z.number().int().min(1).max(1440).default(5),
    /** Ask for a rating (1-5) when a conversation is resolved. */
    csat: z.boolean().default(true),

    /** The longest visitor message, in characters. Also the longest agent reply. */
    max_text_length: z.number().int().min(1).max(100_000).default(5000),
    attachments: z
      .object({
        enabled: z.boolean().default(true),
        /** The largest file a visitor may send, in bytes. */
        max_bytes: z
          .number()
          .int()
          .min(1)
          .max(25 * 1024 * 1024)
          .default(5 * 1024 * 1024),
        /** Allowed MIME types. Images and PDFs are checked against their first bytes. */
        types: z
          .array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'expected a MIME type such as "image/png"' }))
          .min(1)
          .default(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]),
      })
      .strict()
      .default({
        enabled: true,
        max_bytes: 5 * 1024 * 1024,
        types: ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"],
      }),

    /**
     * Limits per visitor and per client IP. The per-minute rates count across every Switchboard
     * process (through Redis with `[cluster]`); the open connections count in each process.
     */
    rate_limit: z
      .object({
        /** Messages, profile updates and ratings one visitor may send per minute. */
        visitor_messages_per_minute: z.number().int().min(1).default(20),
        /** Requests of any kind from one IP per minute. */
        ip_requests_per_minute: z.number().int().min(1).default(600),
        /** Live connections one visitor may hold (one per open tab), in each process. */
        streams_per_visitor: z.number().int().min(1).default(5),
        /** Live connections one IP may hold (offices and mobile carriers share IPs), in each process. */
        streams_per_ip: z.number().int().min(1).default(200),
      })
      .strict()
      .default({ visitor_messages_per_minute: 20, ip_requests_per_minute: 600, streams_per_visitor: 5, streams_per_ip: 200 }),
    /** How often an idle live connection gets a heartbeat, in seconds. */
    heartbeat_seconds: z.number().int().min(1).max(120).default(20),
  })
  .strict();

export type WebchatOptions = z.output<typeof webchatInboxOptions>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
}
