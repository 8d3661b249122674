/**
 * GDPR erasure: one contact and everything about them — messages (their full-text rows go with
 * them, by trigger; attachments and outbox rows by cascade), conversations, identities, claims,
 * suggestions, the merge records that hold copies of their data, and outgoing webhook deliveries
 * that carried their messages. The audit log keeps that it happened, with counts only, never the
 * personal data. `contact.erased` tells plugins to forget what they keep.
 */
import { eq, inArray, or, sql } from "drizzle-orm";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { findContact } from "../store/contacts.ts";
import { auditLog, contactMerges, contacts, conversations, identities, messages, webhookDeliveries } from "../store/schema.ts";
import type { Switchboard } from "../switchboard.ts";
import { actorRef } from "./merge.ts";

export interface EraseResult {
  contactId: number;
  messages: number;
  conversations: number;
  identities: number;
}

/**
 * Erases contact `id`. Throws SWB_ERR_NOT_FOUND for an unknown contact.
 *
 * @example
 * const { messages } = await eraseContact(switchboard, SYSTEM_ACTOR, 42);
 */
export async function eraseContact(sb: Pick<Switchboard, "store" | "clock" | "bus">, actor: Actor, id: number): Promise<EraseResult> {
  const now = sb.clock.now();
  const result = await sb.store.write(async (tx) => {
    if (!(await findContact(tx, id))) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${id} does not exist (or was erased already).`);
    const conversationIds = (await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, id))).map((c) => c.id);
    const identityCount = (await tx.select({ id: identities.id }).from(identities).where(eq(identities.contactId, id))).length;
    const theirs = conversationIds.length ? or(eq(messages.contactId, id), inArray(messages.conversationId, conversationIds)) : eq(messages.contactId, id);
    const erased = await tx.delete(messages).where(theirs).returning({ id: messages.id });
    if (conversationIds.length) {
      await tx.update(conversations).set({ linkedConversationId: null }).where(inArray(conversations.linkedConversationId, conversationIds));
      await tx.delete(conversations).where(inArray(conversations.id, conversationIds));
    }
    await tx.delete(contactMerges).where(or(eq(contactMerges.survivorId, id), eq(contactMerges.mergedId, id)));
    const carried = conversationIds.length ? sql` OR json_extract(${webhookDeliveries.payload}, '$.data.conversation_id') IN (${sql.join(conversationIds.map((c) => sql`${c}`), sql`, `)})` : sql``;
    await tx.delete(webhookDeliveries).where(sql`json_valid(${webhookDeliveries.payload}) AND (json_extract(${webhookDeliveries.payload}, '$.data.contact_id') = ${id}${carried})`);
    await tx.delete(contacts).where(eq(contacts.id, id));
    const counts = { messages: erased.length, conversations: conversationIds.length, identities: identityCount };
    await tx.insert(auditLog).values({ actor: actorRef(actor), action: "contact.erased", subjectType: "contact", subjectId: String(id), data: counts, createdAt: now });
    return { contactId: id, ...counts };
  });
  sb.bus.publish("contact.erased", { contactId: id, actor: actorRef(actor) });
  return result;
}
