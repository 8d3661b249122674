/**
 * Message templates of automations: `{{contact.first_name}}`-style variables, filled from the
 * conversation. Unknown variables are refused when the config loads, never sent to a customer.
 */

/** Every variable a template may use, with what it becomes. */
export const TEMPLATE_VARIABLES = {
  "contact.name": "the contact's name, or \"there\"",
  "contact.first_name": "the first word of the contact's name, or \"there\"",
  "conversation.id": "the conversation's number",
  inbox: "the inbox name",
  channel: "the channel kind",
  "sla.first_response": "the first-response target in words (\"30 minutes\")",
  "business_hours.next_open": "when the team next opens (\"Monday 09:00 (Europe/Berlin)\")",
  "message.text": "the customer's message that triggered the rule",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const PATTERN = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/**
 * The variables a template uses that do not exist.
 *
 * @example
 * unknownVariables("Hi {{contact.nmae}}"); // ["contact.nmae"]
 */
export function unknownVariables(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !(name in TEMPLATE_VARIABLES));
}

/**
 * Fills a template; a variable without a value becomes "".
 *
 * @example
 * renderTemplate("Hi {{contact.first_name}}!", { "contact.first_name": "Ada" }); // "Hi Ada!"
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PATTERN, (_, name: string) => values[name as TemplateVariable] ?? "");
}

/**
 * Minutes in words, for customers.
 *
 * @example
 * humanMinutes(2); // "2 minutes"
 * humanMinutes(240); // "4 hours"
 * humanMinutes(90); // "1 hour 30 minutes"
 */
export function humanMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const rounded = Math.max(1, Math.round(minutes));
  if (rounded < 60) return plural(rounded, "minute");
  if (rounded % 1440 === 0) return plural(rounded / 1440, "day");
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  return rest === 0 ? plural(hours, "hour") : `${plural(hours, "hour")} ${plural(rest, "minute")}`;
}
