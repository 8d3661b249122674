/**
 * The options of one WhatsApp Cloud inbox (`[inboxes.<name>.options]`): one business phone number
 * of a Meta app, checked by zod. Core turns a failure into a ConfigError naming the file, the key
 * and the plugin; the messages here say the fix.
 */
import { metaAppOptions } from "@switchboard/meta-graph";
import { z } from "zod";

/** WhatsApp's longest text message. */
export const WHATSAPP_TEXT_LIMIT = 4096;

const templateRef = z.union([
  z
    .string()
    .min(1)
    .transform((name) => ({ name })),
  z.object({ name: z.string().min(1), language: z.string().min(2).optional() }).strict(),
]);

const fill = z.string().regex(/^(name|first_name|email|phone|attributes\.[\w.-]+)$/, {
  message: 'expected "name", "first_name", "email", "phone" or "attributes.<key>"',
});

export const whatsappCloudOptions = z
  .object({
    /** The business number's id (WhatsApp Manager → API setup → Phone number ID); not the number itself. */
    phone_number_id: z.string().regex(/^\d{5,32}$/, { message: 'expected the numeric "Phone number ID" from the app\'s API setup page' }),
    /** The WhatsApp Business Account id, to list the approved templates (message_templates). */
    business_account_id: z
      .string()
      .regex(/^\d{5,32}$/, { message: "expected the numeric WhatsApp Business Account ID" })
      .optional(),
    /** A system user's permanent access token with whatsapp_business_messaging (and _management for templates). */
    access_token: z.string().min(20, { message: 'expected the access token (write access_token = "${WHATSAPP_TOKEN}")' }),
    ...metaAppOptions, // app_secret, verify_token, graph_url, graph_version
    /** Media larger than this (bytes) is listed on the message but not downloaded. */
    max_file_bytes: z
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    /** How long the template list is kept before asking Meta again (a template status webhook clears it). */
    templates_cache_minutes: z.number().int().min(0).default(60),
    /**
     * Which contact field fills a template variable, by "<template>.<variable>" or "<variable>"
     * ("1", "customer_name"). Named variables called name, first_name, email or phone fill themselves.
     */
    template_fills: z.record(z.string().min(1), fill).default({ "1": "first_name" }),
    /** The template an automation sends once the 24-hour window has closed, by rule: follow_up, csat, or a rule's name. */
    automation_templates: z.record(z.string().min(1), templateRef).default({}),
    /** Remind the assignee this many minutes before the 24-hour window closes (a note that mentions them). */
    remind_before_minutes: z.number().int().min(1).max(1439).optional(),
  })
  .strict();

export type WhatsAppCloudOptions = z.output<typeof whatsappCloudOptions>;
