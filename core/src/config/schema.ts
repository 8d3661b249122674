/**
 * The shape of config/switchboard.toml, as zod schemas. Plugin and inbox options are left
 * open here: each plugin validates its own options with its own schema when it loads.
 */
import { z } from "zod";
import { isTimeZone } from "../time-zone.ts";
import { automationsSchema } from "./automations.ts";
import { clusterSchema } from "./cluster.ts";
import { eventsSchema } from "./events.ts";
import { attributesSchema, enrichmentSchema, identitySchema } from "./identity.ts";
import { reportsSchema } from "./reports.ts";
import { routingSchema } from "./routing.ts";
import { slaSchema, slaTargetsSchema } from "./sla.ts";

const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);

/** "09:00-17:00" or "09:00-12:00,13:00-17:00"; an empty string means closed. */
const hoursRange = z
  .string()
  .regex(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d(,([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)*$/, {
    message: 'expected "HH:MM-HH:MM" (several ranges separated by commas, or "" for closed)',
  })
  .refine(rangesInOrder, { message: 'each range must end after it starts, by 24:00 at the latest (e.g. "09:00-17:00")' });

/** Whether every "HH:MM-HH:MM" range ends after it starts and by 24:00. */
function rangesInOrder(text: string): boolean {
  const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
  return (
    text === "" ||
    text.split(",").every((range) => minutes(range.slice(0, 5)) < minutes(range.slice(6, 11)) && minutes(range.slice(6, 11)) <= 1440)
  );
}

export const businessHoursSchema = z
  .object({
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone; use a name such as "Europe/Berlin" or "America/New_York"' })
      .default("UTC"),
    days: z.partialRecord(weekday, hoursRange).default({
      monday: "09:00-17:00",
      tuesday: "09:00-17:00",
      wednesday: "09:00-17:00",
      thursday: "09:00-17:00",
      friday: "09:00-17:00",
    }),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date "YYYY-MM-DD"' })).default([]),
  })
  .strict()
  .refine((hours) => Object.values(hours.days).some((ranges) => ranges !== ""), {
    message: 'no day has opening hours; give at least one, e.g. monday = "09:00-17:00"',
    path: ["days"],
  });

export const serverSchema = z
  .object({
    /** A number, or a string of digits (`port = "${PORT}"`: one config file for processes started with different ports). */
    port: z
      .preprocess(
        (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
        z.number().int().min(0).max(65535),
      )
      .default(3000),
    host: z.string().default("0.0.0.0"),
    public_url: z.url().optional(),
    /** Read the client's address from the last X-Forwarded-For hop: set it only behind a reverse proxy that writes that header. */
    trust_proxy: z.boolean().default(false),
  })
  .strict();

export const storeSchema = z
  .object({
    url: z.string().min(1).default("file:data/switchboard.db"),
    auth_token: z.string().optional(),
  })
  .strict();

export const pluginEntrySchema = z
  .object({
    /** An npm package name, or a path (starting with "." or "/") relative to the config file. */
    package: z.string().min(1),
    enabled: z.boolean().default(true),
    /** How long setup may take before the plugin is disabled, in milliseconds. */
    setup_timeout_ms: z.number().int().positive().default(10_000),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const inboxSchema = z
  .object({
    /** The alias of a plugin under [plugins.<alias>]. */
    plugin: z.string().min(1),
    /** The channel kind the plugin registered; may be left out when the plugin registers just one. */
    channel: z.string().optional(),
    display_name: z.string().optional(),
    /** A hint shown in the composer about how to write on this channel ("WhatsApp: short, conversational"). */
    tone: z.string().max(200).optional(),
    /** Routing plugin aliases to ask, in order (the first answer wins); default: every routing plugin. */
    routing: z.array(z.string().min(1)).optional(),
    /** This inbox's own business hours (replacing [business_hours] as a whole). */
    business_hours: businessHoursSchema.optional(),
    /** This inbox's SLA targets, over [sla.channels.<kind>] and the defaults. */
    sla: slaTargetsSchema.optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const webhookSchema = z
  .object({
    url: z.url(),
    secret: z.string().min(16, { message: "use a secret of at least 16 characters" }),
    /** Event names, or ["*"] for every event. */
    events: z.array(z.string().min(1)).min(1).default(["*"]),
    max_attempts: z.number().int().min(1).max(50).default(8),
    timeout_ms: z.number().int().positive().default(10_000),
  })
  .strict();

export const themeSchema = z
  .object({
    /** A theme package name, or a path to a theme folder (relative to the config file). */
    package: z.string().min(1).default("@switchboard/theme-default"),
    /** "auto" follows the agent's system setting. */
    mode: z.enum(["auto", "light", "dark"]).default("auto"),
    /** An extra CSS file (relative to the config file) loaded after the theme, to override its variables. */
    css: z.string().optional(),
  })
  .strict();

export const authSchema = z
  .object({
    /** How long an inbox session lasts without activity, in hours. */
    session_ttl_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(168),
    /** Failed logins allowed per (email, IP address) in 15 minutes; one address may fail 10 times this over all emails. */
    login_attempts: z.number().int().min(1).max(1000).default(10),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    store: storeSchema.default(storeSchema.parse({})),
    business_hours: businessHoursSchema.default(businessHoursSchema.parse({})),
    theme: themeSchema.default(themeSchema.parse({})),
    auth: authSchema.default(authSchema.parse({})),
    plugins: z
      .record(
        z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "plugin aliases use a-z, 0-9, - and _" })
          // A plugin's job kinds are "<alias>:<kind>"; "core:" is core's own.
          .refine((alias) => alias !== "core", { message: 'the plugin alias "core" is taken by Switchboard itself; pick another name' }),
        pluginEntrySchema,
      )
      .default({}),
    inboxes: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "inbox names use a-z, 0-9, - and _" }), inboxSchema).default({}),
    webhooks: z.array(webhookSchema).default([]),
    /** Business hours of teams, by team name; they win over the inbox's and the global ones. */
    team_hours: z.record(z.string(), businessHoursSchema).default({}),
    routing: routingSchema.prefault({}),
    sla: slaSchema.prefault({}),
    automations: automationsSchema.prefault({}),
    reports: reportsSchema.prefault({}),
    events: eventsSchema.prefault({}),
    cluster: clusterSchema.prefault({}),
    identity: identitySchema.default(identitySchema.parse({})),
    enrichment: enrichmentSchema.default(enrichmentSchema.parse({})),
    attributes: attributesSchema.default(attributesSchema.parse({})),
  })
  .strict();

/** The whole validated config. */
export type SwitchboardConfig = z.infer<typeof configSchema>;
export type PluginEntry = z.infer<typeof pluginEntrySchema>;
export type InboxEntry = z.infer<typeof inboxSchema>;
export type WebhookEntry = z.infer<typeof webhookSchema>;
export type BusinessHours = z.infer<typeof businessHoursSchema>;
export type ThemeConfig = z.infer<typeof themeSchema>;

/** A loaded config, with where it came from (for error messages and relative paths). */
export interface LoadedConfig {
  /** Absolute path of the TOML file. */
  file: string;
  /** The folder relative plugin paths and the file: store URL are resolved against. */
  baseDir: string;
  config: SwitchboardConfig;
}
