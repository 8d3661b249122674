/**
 * GDPR erasure: one contact and everything about them — messages (their full-text rows go with
 * them, by trigger; attachments and outbox rows by cascade), conversations, identities, claims,
 * suggestions, the merge records that hold copies of their data, and outgoing webhook deliveries
 * that carried their messages. The audit log keeps that it happened, with counts only, never the
 * personal data. `contact.erased` tells plugins to forget what they keep.
 *
 * Erased means gone from the file too: the store overwrites deleted rows (`secure_delete`, see
 * embedded-client.ts), the full-text indexes remove the words outright (FTS5 `secure-delete`, on
 * for the erase only) instead of keeping them until a merge, and the write-ahead log, which still
 * holds the old pages, is checkpointed and truncated afterwards.
 */
import { eq, inArray, or, type SQLWrapper, sql } from "drizzle-orm";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findContact } from "../store/contacts.ts";
import type { Tx } from "../store/index.ts";
import {
  auditLog,
  contactMerges,
  contacts,
  conversations,
  domainEvents,
  identities,
  messages,
  webhookDeliveries,
} from "../store/schema.ts";
import { CONTACT_AND_MESSAGE_FTS_TABLES } from "../store/search-index.ts";
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
export async function eraseContact(sb: Pick<Services, "store" | "clock" | "bus" | "log">, actor: Actor, id: number): Promise<EraseResult> {
  const now = sb.clock.now();
  const { result, event, erasedEvents } = await sb.store.write(async (tx) => {
    if (!(await findContact(tx, id)))
      throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${id} does not exist (or was erased already).`);
    const conversationIds = (await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, id))).map(
      (c) => c.id,
    );
    const identityCount = (await tx.select({ id: identities.id }).from(identities).where(eq(identities.contactId, id))).length;
    const theirs = conversationIds.length
      ? or(eq(messages.contactId, id), inArray(messages.conversationId, conversationIds))
      : eq(messages.contactId, id);
    await ftsSecureDelete(tx, 1);
    const erased = await tx.delete(messages).where(theirs).returning({ id: messages.id });
    if (conversationIds.length) {
      await tx
        .update(conversations)
        .set({ linkedConversationId: null })
        .where(inArray(conversations.linkedConversationId, conversationIds));
      await tx.delete(conversations).where(inArray(conversations.id, conversationIds));
    }
    await tx.delete(contactMerges).where(or(eq(contactMerges.survivorId, id), eq(contactMerges.mergedId, id)));
    const messageIds = erased.map((m) => m.id);
    await tx.delete(webhookDeliveries).where(carriedBy(webhookDeliveries.payload, WEBHOOK_KEYS, id, conversationIds, messageIds));
    // The event log holds their messages' text too, until it is pruned.
    const erasedEvents = await tx
      .delete(domainEvents)
      .where(carriedBy(domainEvents.data, LOGGED_KEYS, id, conversationIds, messageIds))
      .returning({ seq: domainEvents.seq });
    await tx.delete(contacts).where(eq(contacts.id, id));
    await ftsSecureDelete(tx, 0);
    const counts = { messages: erased.length, conversations: conversationIds.length, identities: identityCount };
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "contact.erased",
      subjectType: "contact",
      subjectId: String(id),
      data: counts,
      createdAt: now,
    });
    const event = await sb.bus.record(tx, "contact.erased", { contactId: id, actor: actorRef(actor) });
    return { result: { contactId: id, ...counts }, event, erasedEvents: erasedEvents.map((e) => e.seq) };
  });
  if (!(await sb.store.checkpoint())) {
    sb.log.warn(
      { contact: id },
      "erase: another process kept the write-ahead log from being emptied; the erased text leaves the -wal file at its next checkpoint",
    );
  }
  sb.bus.forget(erasedEvents);
  sb.bus.announce(event);
  return result;
}

/**
 * Switches FTS5's `secure-delete` on (1) or off (0) for the full-text tables: while on, a delete
 * removes the row's words from the index at once; off, FTS5 keeps them (with a delete marker that
 * repeats them) until segments merge, which is cheaper for everyday deletes.
 */
async function ftsSecureDelete(tx: Tx, on: 0 | 1): Promise<void> {
  for (const table of CONTACT_AND_MESSAGE_FTS_TABLES)
    await tx.run(sql.raw(`INSERT INTO ${table}(${table}, rank) VALUES ('secure-delete', ${on})`));
}

/** Where an event's JSON names a contact, a conversation and a message. */
interface EventKeys {
  contact: string;
  conversation: string;
  message: string;
}
/** A webhook delivery's payload (the wire shape: snake_case under `data`). */
const WEBHOOK_KEYS: EventKeys = { contact: "$.data.contact_id", conversation: "$.data.conversation_id", message: "$.data.message_id" };
/** A logged event's data (camelCase at the top). */
const LOGGED_KEYS: EventKeys = { contact: "$.contactId", conversation: "$.conversationId", message: "$.messageId" };

/**
 * Events (in `json`, a JSON column) that named the contact, one of their conversations or one of
 * their messages (`message.*` and `csat.recorded` carry the text; a plugin's event may name only the message).
 */
function carriedBy(json: SQLWrapper, keys: EventKeys, contactId: number, conversationIds: number[], messageIds: number[]) {
  const field = (path: string) => sql`json_extract(${json}, ${path})`;
  const among = (path: string, ids: number[]) => sql`${field(path)} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  return sql`json_valid(${json}) AND (${field(keys.contact)} = ${contactId} OR ${among(keys.conversation, conversationIds)} OR ${among(keys.message, messageIds)})`;
}
