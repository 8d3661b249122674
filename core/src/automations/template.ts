/**
 * Message templates of automations: `{{contact.first_name}}`-style variables, filled from the
 * conversation. Unknown variables are refused when the config loads, never sent to a customer.
 */
import { TEMPLATE_PATTERN, type TemplateVariable } from "../config/template-variables.ts";

/** Values for a template's variables (a missing one becomes ""). */
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

/**
 * Fills a template; a variable without a value becomes "".
 *
 * @example
 * renderTemplate("Hi {{contact.first_name}}!", { "contact.first_name": "Ada" }); // "Hi Ada!"
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(TEMPLATE_PATTERN, (_, name: string) => values[name as TemplateVariable] ?? "");
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
