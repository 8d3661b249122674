/**
 * Splitting off what one inbox brought to a contact: the repair for two customers the old identity
 * rule made one (shared-identities.ts). A new contact gets the contact's identities scoped to that
 * inbox, the claims first seen there, its conversations in that inbox and their messages, in one
 * write transaction with an audit row. The contact's own fields (name, email, phone) stay where they
 * are; the new contact's fill in from its next message. Merging the new contact back undoes it.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import { findContact } from "../store/contacts.ts";
import type { Store } from "../store/index.ts";
import { auditLog, contacts, conversations, identities, identityClaims, messages } from "../store/schema.ts";
import { actorRef } from "./merge.ts";

export interface SplitResult {
  /** The new contact, who now has the inbox's identities and conversations. */
  contactId: number;
  moved: { identities: number; claims: number; conversations: number; messages: number };
}

/**
 * Moves what `inbox` brought to contact `contactId` onto a new contact. Throws SWB_ERR_NOT_FOUND for
 * an unknown contact and SWB_ERR_VALIDATION when the inbox brought nothing, or everything (then
 * there is nothing to split it from).
 *
 * @example
 * const { contactId } = await splitContact(switchboard, SYSTEM_ACTOR, 7, "app"); // app's customer "42" is now contactId
 * await mergeContacts(switchboard, SYSTEM_ACTOR, 7, contactId);                  // undoes it
 */
export async function splitContact(
  sb: { store: Store; clock: Clock; bus: EventBus },
  actor: Actor,
  contactId: number,
  inbox: string,
): Promise<SplitResult> {
  const now = sb.clock.now();
  const result = await sb.store.write(async (tx) => {
    if (!(await findContact(tx, contactId))) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${contactId} does not exist.`);
    const ownIdentities = await tx
      .select({ id: identities.id, scope: identities.scope })
      .from(identities)
      .where(eq(identities.contactId, contactId));
    const ownConversations = await tx
      .select({ id: conversations.id, inbox: conversations.inbox })
      .from(conversations)
      .where(eq(conversations.contactId, contactId));
    const identityIds = ownIdentities.filter((i) => i.scope === inbox).map((i) => i.id);
    const conversationIds = ownConversations.filter((c) => c.inbox === inbox).map((c) => c.id);
    if (identityIds.length === 0 && conversationIds.length === 0) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Contact ${contactId} has no identity and no conversation from the inbox "${inbox}". Run \`switchboard doctor\` to see which inboxes a contact holds one id from.`,
      );
    }
    if (conversationIds.length === ownConversations.length && identityIds.length === ownIdentities.length) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Everything of contact ${contactId} came from the inbox "${inbox}", so there is nothing to split it from. Name another inbox.`,
      );
    }
    const [created] = await tx.insert(contacts).values({ createdAt: now, updatedAt: now }).returning({ id: contacts.id });
    const newId = created!.id;
    const claims = await tx
      .update(identityClaims)
      .set({ contactId: newId })
      .where(and(eq(identityClaims.contactId, contactId), eq(identityClaims.source, `inbox:${inbox}`)))
      .returning({ id: identityClaims.id });
    if (identityIds.length > 0) await tx.update(identities).set({ contactId: newId }).where(inArray(identities.id, identityIds));
    const moved =
      conversationIds.length === 0
        ? []
        : await tx
            .update(messages)
            .set({ contactId: newId })
            .where(and(eq(messages.contactId, contactId), inArray(messages.conversationId, conversationIds)))
            .returning({ id: messages.id });
    if (conversationIds.length > 0)
      await tx.update(conversations).set({ contactId: newId, updatedAt: now }).where(inArray(conversations.id, conversationIds));
    const counts = { identities: identityIds.length, claims: claims.length, conversations: conversationIds.length, messages: moved.length };
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "contact.split",
      subjectType: "contact",
      subjectId: String(contactId),
      data: { inbox, into: newId, moved: counts, identityIds, conversationIds },
      createdAt: now,
    });
    return { contactId: newId, moved: counts, event: await sb.bus.record(tx, "contact.created", { contactId: newId }) };
  });
  sb.bus.announce(result.event);
  return { contactId: result.contactId, moved: result.moved };
}
