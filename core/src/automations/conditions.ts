/**
 * Rule conditions: every condition given must hold (AND); a list means any of its values (OR).
 * Text conditions read the triggering message; without one, they do not hold.
 */
import type { ConditionsConfig } from "../config/automations.ts";
import { languageOf, valueAtPath } from "../contacts/read-values.ts";
import type { RuleContext } from "./context.ts";

/**
 * Whether a rule's conditions hold in this context.
 *
 * @example
 * conditionsHold({ channel: ["email"], text_contains: ["refund"] }, context); // true for an email asking for a refund
 */
export function conditionsHold(when: ConditionsConfig, context: RuleContext): boolean {
  const { conversation, contact, message } = context;
  const text = message?.text.toLowerCase();
  const checks: (() => boolean)[] = [
    () => !when.channel || when.channel.includes(conversation.channel),
    () => !when.inbox || when.inbox.includes(conversation.inbox),
    () => !when.text_contains || (text !== undefined && when.text_contains.some((word) => text.includes(word.toLowerCase()))),
    () => !when.text_matches || (message !== undefined && new RegExp(when.text_matches, "iu").test(message.text)),
    () => !when.label || when.label.some((label) => context.labels.includes(label)),
    () =>
      !when.contact_attribute ||
      Object.entries(when.contact_attribute).every(([path, expected]) => valueAtPath(contact.attributes, path) === expected),
    () => !when.business_hours || (when.business_hours === "open") === context.calendar.isOpen(context.now),
    () => {
      if (!when.language) return true;
      const spoken = languageOf(message?.metadata.language) ?? languageOf(contact.attributes.language);
      return spoken !== undefined && when.language.some((code) => languageOf(code) === spoken);
    },
    () => !when.sentiment || (message !== undefined && when.sentiment.some((s) => s === message.metadata.sentiment)),
    () => when.urgent === undefined || (message !== undefined && (message.metadata.urgent === true) === when.urgent),
    () => !when.priority || when.priority.includes(conversation.priority),
    () => !when.status || when.status.includes(conversation.status),
  ];
  return checks.every((check) => check());
}
