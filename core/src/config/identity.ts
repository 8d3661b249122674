/**
 * The config sections of "one customer across channels": [identity] (phone parsing, cross-channel
 * threading, which enrichment facts suggest merges), [enrichment] (cache and wait budget) and
 * [attributes.contact.<key>] / [attributes.conversation.<key>] (custom attributes agents edit).
 */
import { z } from "zod";
import { DEFAULT_REFERENCE_PATTERNS } from "../contacts/evidence.ts";

const isRegex = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

/** Keys of contact.attributes that core itself writes; custom attributes may not use them. */
export const RESERVED_ATTRIBUTE_KEYS = ["enrichment", "enriched_at", "alternatives", "handles"] as const;

export const identitySchema = z
  .object({
    /** ISO 3166-1 alpha-2 region for phone numbers given without a country code ("DE": "030 1234567" → "+49301234567"). */
    default_phone_region: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'expected a two-letter region code in capitals, such as "DE" or "US"' })
      .optional(),
    /**
     * When a contact writes on a new channel while a conversation of theirs on another channel is
     * recent or open: "link" starts a new conversation linked to that one, "join" adds the message
     * to that conversation, "off" does neither.
     */
    cross_channel: z.enum(["link", "join", "off"]).default("link"),
    /** How recent (in hours) another channel's conversation must be to count. */
    cross_channel_window_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
    /** Enrichment facts that identify a customer (an account or order number): two contacts with the same value get a merge suggestion. */
    match_facts: z.array(z.string().min(1)).default(["account_id", "order_number"]),
    /** Suggest merging contacts with the same name and the same email domain or phone. */
    suggest_name_matches: z.boolean().default(true),
    /** Suggest merges from what customers write: references, emails and phones in the text, the same name active elsewhere, a channel named. */
    suggest_from_text: z.boolean().default(true),
    /**
     * Regular expressions for order, account, invoice or ticket numbers in message text; the same
     * one written by two contacts is evidence they are one person. Replaces the defaults
     * (`#12345`, `A-1001`, `INV-2026-0042`).
     */
    reference_patterns: z
      .array(z.string().min(1).refine(isRegex, { message: "not a valid regular expression; escape a backslash as \\ in TOML" }))
      .default(DEFAULT_REFERENCE_PATTERNS),
    /** How recent (in hours) the other contact's activity on another channel must be for the same name to count as evidence. */
    name_activity_window_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
  })
  .strict();

export const enrichmentSchema = z
  .object({
    /** How long facts from an enrichment plugin stay fresh, in minutes, unless the plugin sets its own TTL. */
    ttl_minutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 365)
      .default(60),
    /**
     * How long an arriving message waits for enrichment answers before it is stored, in
     * milliseconds. 0 (the default) never waits: answers already at hand are used; later ones
     * are stored when they come.
     */
    wait_ms: z.number().int().min(0).max(10_000).default(0),
  })
  .strict();

const attributeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { message: "attribute keys use a-z, 0-9 and _, starting with a letter" })
  .refine((key) => !(RESERVED_ATTRIBUTE_KEYS as readonly string[]).includes(key), {
    message: `${RESERVED_ATTRIBUTE_KEYS.join(", ")} are kept for Switchboard itself`,
  });

export const attributeDefinitionSchema = z
  .object({
    type: z.enum(["text", "number", "date", "list", "checkbox"]),
    /** What agents see (default: the key). */
    label: z.string().min(1).max(100).optional(),
    /** The choices of a "list" attribute (required for "list", refused for other types). */
    options: z.array(z.string().min(1).max(200)).min(1).optional(),
  })
  .strict()
  .superRefine((def, ctx) => {
    if (def.type === "list" && !def.options)
      ctx.addIssue({ code: "custom", path: ["options"], message: 'a "list" attribute needs options = ["…", "…"]' });
    if (def.type !== "list" && def.options)
      ctx.addIssue({
        code: "custom",
        path: ["options"],
        message: `only "list" attributes take options; remove options from this ${def.type} attribute`,
      });
  });

export const attributesSchema = z
  .object({
    contact: z.record(attributeKey, attributeDefinitionSchema).default({}),
    conversation: z.record(attributeKey, attributeDefinitionSchema).default({}),
  })
  .strict();

export type IdentityConfig = z.infer<typeof identitySchema>;
export type EnrichmentConfig = z.infer<typeof enrichmentSchema>;
export type AttributeDefinition = z.infer<typeof attributeDefinitionSchema>;
export type AttributesConfig = z.infer<typeof attributesSchema>;
