/**
 * Config schema of `[automations]`: the built-in rules (acknowledgement, out-of-hours notice, FAQ
 * answers with a human escape hatch, follow-up, CSAT/CES survey), each switchable off, and custom
 * `[[automations.rules]]` of the form "on <event>, when <conditions>, do <actions>".
 */
import { z } from "zod";
import { priorityEnum } from "./routing.ts";
import { TEMPLATE_VARIABLES, unknownVariables } from "./template-variables.ts";

/** A message template: refuses variables that do not exist, naming the ones that do. */
const template = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const unknown = unknownVariables(text);
    if (unknown.length > 0)
      ctx.addIssue({
        code: "custom",
        message: `unknown variable ${unknown.map((v) => `{{${v}}}`).join(", ")}; use ${Object.keys(TEMPLATE_VARIABLES)
          .map((v) => `{{${v}}}`)
          .join(", ")}`,
      });
  });

const regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text, "iu");
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

export const ruleEvents = [
  "message.created",
  "conversation.created",
  "conversation.status_changed",
  "conversation.assigned",
  "sla.warning",
  "sla.breached",
  "idle",
] as const;

export const conditionsSchema = z
  .object({
    channel: z.array(z.string()).optional(),
    inbox: z.array(z.string()).optional(),
    /** Any of these words or phrases, case-insensitive. */
    text_contains: z.array(z.string().min(1)).optional(),
    /** A regular expression, case-insensitive. */
    text_matches: regex.optional(),
    /** The conversation has any of these labels. */
    label: z.array(z.string()).optional(),
    /** Contact attributes (dotted paths such as "enrichment.crm.plan") equal to these values. */
    contact_attribute: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    business_hours: z.enum(["open", "closed"]).optional(),
    /** The message's or the contact's language (metadata.language, attributes.language). */
    language: z.array(z.string()).optional(),
    /** The message's sentiment, as an assistant plugin stored it (metadata.sentiment). */
    sentiment: z.array(z.enum(["negative", "neutral", "positive"])).optional(),
    /** Whether an assistant plugin flagged the message urgent (metadata.urgent). */
    urgent: z.boolean().optional(),
    priority: z.array(priorityEnum).optional(),
    status: z.array(z.enum(["open", "pending", "snoozed", "resolved"])).optional(),
  })
  .strict();

export const actionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("send_message"), text: template }).strict(),
  z.object({ type: z.literal("add_note"), text: template }).strict(),
  z.object({ type: z.literal("add_label"), label: z.string().min(1) }).strict(),
  z
    .object({ type: z.literal("assign"), agent: z.email().optional(), team: z.string().min(1).optional() })
    .strict()
    .refine((a) => a.agent || a.team, { message: "give agent (an email) or team (a name)" }),
  z.object({ type: z.literal("set_priority"), priority: priorityEnum }).strict(),
  z.object({ type: z.literal("snooze"), minutes: z.number().positive() }).strict(),
  z.object({ type: z.literal("resolve") }).strict(),
  z
    .object({
      type: z.literal("webhook"),
      url: z.url(),
      secret: z.string().min(16, { message: "use a secret of at least 16 characters" }).optional(),
    })
    .strict(),
]);

export const ruleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: "rule names use a-z, 0-9, - and _" }),
    enabled: z.boolean().default(true),
    on: z.enum(ruleEvents),
    /** With on = "idle": minutes since the customer's last message. */
    after_minutes: z.number().positive().optional(),
    when: conditionsSchema.default({}),
    actions: z.array(actionSchema).min(1),
    /** How often the rule may fire per conversation (default: automations.max_fires_per_conversation). */
    max_fires: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((r) => r.on !== "idle" || r.after_minutes !== undefined, {
    message: 'a rule with on = "idle" needs after_minutes',
    path: ["after_minutes"],
  });

const faqEntrySchema = z
  .object({
    /** Any of these words or phrases, case-insensitive. */
    keywords: z.array(z.string().min(1)).default([]),
    pattern: regex.optional(),
    answer: template,
  })
  .strict()
  .refine((e) => e.keywords.length > 0 || e.pattern, { message: "give keywords or a pattern" });

const builtin = <T extends z.ZodRawShape>(shape: T) => z.object({ enabled: z.boolean().default(true), ...shape }).strict();

export const automationsSchema = z
  .object({
    /** The master switch of every automation below. */
    enabled: z.boolean().default(false),
    max_fires_per_conversation: z.number().int().min(1).default(3),
    acknowledgement: builtin({
      text: template.default("Thanks for your message! We usually answer within {{sla.first_response}}."),
    }).prefault({}),
    out_of_hours: builtin({
      text: template.default(
        "Thanks for your message. We are closed right now and will answer when we are back: {{business_hours.next_open}}.",
      ),
    }).prefault({}),
    faq: builtin({
      entries: z.array(faqEntrySchema).default([]),
      hint: template.default("Reply 'agent' to talk to a person."),
      handover_words: z.array(z.string().min(1)).min(1).default(["agent", "human"]),
      /** Phrases that ask for a person anywhere in a sentence, per language; a language given replaces its default (see builtins/handover.ts). */
      handover_phrases: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
      handover_text: template.default("Thanks! A person will take it from here."),
      max_answers: z.number().int().min(1).default(3),
      /** Answers from published knowledge-base articles when no entry matches. */
      knowledge: z
        .object({
          enabled: z.boolean().default(true),
          /** The best article must hold this share of the question's content words (0..1)... */
          min_match: z.number().min(0).max(1).default(0.6),
          /** ...or at least this many of them. */
          min_words: z.number().int().min(1).default(2),
          /** The answer's length at most (the article's text is cut at a word). */
          max_chars: z.number().int().min(100).max(4000).default(1000),
        })
        .strict()
        .prefault({}),
    }).prefault({}),
    follow_up: builtin({
      after_hours: z.number().positive().default(24),
      text: template.default("Just checking in, is everything working?"),
    }).prefault({}),
    csat: builtin({
      delay_minutes: z.number().min(0).default(0),
      question: template.default(
        "How would you rate the help you got, from 1 (poor) to 5 (great)? You can add a comment after the number.",
      ),
      ces: z.boolean().default(true),
      ces_question: template.default("One more: how easy was it to get your issue solved, from 1 (very hard) to 7 (very easy)?"),
      ces_scale: z.number().int().min(3).max(10).default(7),
      /** Ask the NPS question (0-10) after the CES answer (or the score, without CES). */
      nps: z.boolean().default(false),
      nps_question: template.default(
        "Last one: how likely are you to recommend us to a friend or colleague, from 0 (not at all) to 10 (extremely likely)?",
      ),
      thanks: template.default("Thank you for your feedback!"),
      expires_after_hours: z.number().positive().default(72),
    }).prefault({}),
    rules: z
      .array(ruleSchema)
      .default([])
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((rule, i) => {
          if (seen.has(rule.name))
            ctx.addIssue({
              code: "custom",
              message: `the rule name "${rule.name}" is used twice; give each rule its own name`,
              path: [i, "name"],
            });
          seen.add(rule.name);
        });
      }),
  })
  .strict();

export type AutomationsConfig = z.infer<typeof automationsSchema>;
export type RuleConfig = z.infer<typeof ruleSchema>;
export type ActionConfig = z.infer<typeof actionSchema>;
export type ConditionsConfig = z.infer<typeof conditionsSchema>;
