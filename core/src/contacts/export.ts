/**
 * GDPR export: everything Switchboard keeps about one contact, as one JSON document — the contact,
 * identities and claims, conversations (with labels), every message with its attachments (bytes in
 * base64), merge suggestions, merges and the audit entries about them. Keys are snake_case like
 * the REST API.
 */
import { and, eq, inArray, or } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { snakeKeys } from "../events/wire.ts";
import { findContact } from "../store/contacts.ts";
import type { Queryable } from "../store/index.ts";
import {
  attachments,
  auditLog,
  contactMerges,
  contactSuggestions,
  conversationLabels,
  conversations,
  identities,
  identityClaims,
  labels,
  messages,
} from "../store/schema.ts";

export const EXPORT_FORMAT = "switchboard.contact-export/1";

/**
 * The export of contact `id`. Throws SWB_ERR_NOT_FOUND for an unknown contact.
 *
 * @example
 * const doc = await exportContact(store.db, 42, Date.now());
 * await Bun.write("contact-42.json", JSON.stringify(doc, null, 2));
 */
export async function exportContact(db: Queryable, id: number, now: number): Promise<Record<string, unknown>> {
  const contact = await findContact(db, id);
  if (!contact)
    throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${id} does not exist. Find contacts with GET /api/v1/contacts?q=...`);
  const convs = await db.select().from(conversations).where(eq(conversations.contactId, id)).orderBy(conversations.id);
  const conversationIds = convs.map((c) => c.id);
  const labelRows = conversationIds.length
    ? await db
        .select({ conversationId: conversationLabels.conversationId, name: labels.name })
        .from(conversationLabels)
        .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
        .where(inArray(conversationLabels.conversationId, conversationIds))
    : [];
  const ofContact = conversationIds.length
    ? or(eq(messages.contactId, id), inArray(messages.conversationId, conversationIds))
    : eq(messages.contactId, id);
  const msgs = await db.select().from(messages).where(ofContact).orderBy(messages.createdAt, messages.id);
  const files = msgs.length
    ? await db
        .select()
        .from(attachments)
        .where(
          inArray(
            attachments.messageId,
            msgs.map((m) => m.id),
          ),
        )
        .orderBy(attachments.id)
    : [];
  const aboutContact = and(eq(auditLog.subjectType, "contact"), eq(auditLog.subjectId, String(id)));
  const aboutConversations = conversationIds.length
    ? and(eq(auditLog.subjectType, "conversation"), inArray(auditLog.subjectId, conversationIds.map(String)))
    : undefined;
  const audit = await db
    .select()
    .from(auditLog)
    .where(aboutConversations ? or(aboutContact, aboutConversations) : aboutContact)
    .orderBy(auditLog.id);
  return snakeKeys({
    format: EXPORT_FORMAT,
    exportedAt: now,
    contact,
    identities: await db.select().from(identities).where(eq(identities.contactId, id)).orderBy(identities.id),
    unverifiedIdentifiers: await db.select().from(identityClaims).where(eq(identityClaims.contactId, id)).orderBy(identityClaims.id),
    conversations: convs.map((c) => ({ ...c, labels: labelRows.filter((l) => l.conversationId === c.id).map((l) => l.name) })),
    messages: msgs.map((m) => ({
      ...m,
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({ ...f, data: f.data ? Buffer.from(f.data).toString("base64") : null })),
    })),
    mergeSuggestions: await db
      .select()
      .from(contactSuggestions)
      .where(or(eq(contactSuggestions.contactId, id), eq(contactSuggestions.otherContactId, id))),
    merges: await db
      .select()
      .from(contactMerges)
      .where(or(eq(contactMerges.survivorId, id), eq(contactMerges.mergedId, id))),
    audit,
  }) as Record<string, unknown>;
}
