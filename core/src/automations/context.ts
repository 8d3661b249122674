/**
 * What a rule sees when it runs: the conversation, its contact and labels, the message that
 * triggered it (if any), its business calendar and SLA targets, and the template values built
 * from them.
 */
import { eq } from "drizzle-orm";
import { type BusinessCalendar, describeOpening } from "../business-hours/index.ts";
import type { Services } from "../services.ts";
import type { Sla } from "../sla/index.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import { findMessage, type Message } from "../store/messages.ts";
import { conversationLabels, labels } from "../store/schema.ts";
import { humanMinutes, type TemplateValues } from "./template.ts";

export interface RuleContext {
  conversation: Conversation;
  contact: Contact;
  labels: string[];
  /** The customer message that triggered the rule, for message events. */
  message: Message | undefined;
  calendar: BusinessCalendar;
  now: number;
  values: TemplateValues;
}

/**
 * Loads the context of a conversation, or undefined when it (or its contact) is gone.
 *
 * @example
 * const context = await loadContext(sb, sla, 42, messageId);
 */
export async function loadContext(
  sb: Pick<Services, "store" | "clock">,
  sla: Sla,
  conversationId: number,
  messageId?: number,
): Promise<RuleContext | undefined> {
  const { db } = sb.store;
  const conversation = await findConversation(db, conversationId);
  const contact = conversation && (await findContact(db, conversation.contactId));
  if (!conversation || !contact) return undefined;
  const message = messageId === undefined ? undefined : await findMessage(db, messageId);
  const attached = await db
    .select({ name: labels.name })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(eq(conversationLabels.conversationId, conversationId));
  const calendar = await sla.hours.forConversation(db, conversation);
  const now = sb.clock.now();
  const firstResponse = sla.targets(conversation).first_response;
  const name = contact.name?.trim() || "there";
  return {
    conversation,
    contact,
    labels: attached.map((l) => l.name),
    message,
    calendar,
    now,
    values: {
      "contact.name": name,
      "contact.first_name": name.split(/\s+/)[0] ?? name,
      "conversation.id": String(conversation.id),
      inbox: conversation.inbox,
      channel: conversation.channel,
      "sla.first_response": firstResponse ? humanMinutes(firstResponse / 60_000) : "",
      "business_hours.next_open": describeOpening(calendar, calendar.nextOpen(now)),
      "message.text": message?.text ?? "",
    },
  };
}
