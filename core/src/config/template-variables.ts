/**
 * The variables automation templates may use ({{contact.first_name}}), with what each says. The
 * config checks templates against them when it loads; automations/template.ts fills them in.
 */

/** Every variable a template may use, with what it becomes. */
export const TEMPLATE_VARIABLES = {
  "contact.name": 'the contact\'s name, or "there"',
  "contact.first_name": 'the first word of the contact\'s name, or "there"',
  "conversation.id": "the conversation's number",
  inbox: "the inbox name",
  channel: "the channel kind",
  "sla.first_response": 'the first-response target in words ("30 minutes")',
  "business_hours.next_open": 'when the team next opens ("Monday 09:00 (Europe/Berlin)")',
  "message.text": "the customer's message that triggered the rule",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

/** A template variable: `{{ name }}`. */
export const TEMPLATE_PATTERN = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/**
 * The variables a template uses that do not exist.
 *
 * @example
 * unknownVariables("Hi {{contact.nmae}}"); // ["contact.nmae"]
 */
export function unknownVariables(template: string): string[] {
  return [...template.matchAll(TEMPLATE_PATTERN)].map((m) => m[1]!).filter((name) => !(name in TEMPLATE_VARIABLES));
}
