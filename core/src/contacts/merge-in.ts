/**
 * The merge of two contacts inside the caller's write transaction: everything of the merged
 * contact — identities, claims, conversations, messages — moves to the survivor, conflicting facts
 * become alternatives, and the merged contact is removed. A contact_merges row records exactly what
 * moved, so undoMerge can split them back, and an audit row says who and why. No services here, so
 * the inbound pipeline can join contacts in its own transaction (verified-join.ts).
 */
import { and, eq, inArray, or } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import type { Tx } from "../store/index.ts";
import {
  auditLog,
  contactMerges,
  contactSuggestions,
  contacts,
  conversations,
  identities,
  identityClaims,
  messages,
} from "../store/schema.ts";
import { combineFacts, type MergeRecord } from "./merge-record.ts";

/** Who merges: an agent, or Switchboard itself with id null (the same shape as conversations' Actor). */
type Actor = { id: number | null; name: string };

/**
 * The audit and event form of an actor: "agent:<id>" or "system".
 *
 * @example
 * actorRef({ id: 4, name: "Ada" }) // "agent:4"
 */
export const actorRef = (actor: Actor) => (actor.id === null ? "system" : `agent:${actor.id}`);

export interface MergeResult {
  mergeId: number;
  survivor: Contact;
  moved: { identities: number; conversations: number; messages: number };
}

export interface MergeOptions {
  /** The suggestion accepted to make this merge. */
  suggestionId?: number;
  /** Why Switchboard merged by itself (audited), e.g. "verified_email". */
  reason?: string;
}

/**
 * The merge inside the caller's write transaction; the caller records `contact.merged` in it and
 * announces it after the commit. Same errors as mergeContacts.
 *
 * @example
 * const result = await mergeContactsIn(tx, SYSTEM_ACTOR, 3, 7, { reason: "verified_email" }, now);
 * events.push(await bus.record(tx, "contact.merged", { survivorId: 3, mergedId: 7, actor: "system", mergeId: result.mergeId }));
 */
export async function mergeContactsIn(
  tx: Tx,
  actor: Actor,
  survivorId: number,
  mergedId: number,
  options: MergeOptions,
  now: number,
): Promise<MergeResult> {
  if (survivorId === mergedId) throw new SwitchboardError(ErrorCodes.VALIDATION, `Contact ${survivorId} cannot be merged into itself.`);
  const survivor = await findContact(tx, survivorId);
  const merged = await findContact(tx, mergedId);
  if (!survivor || !merged)
    throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact ${!survivor ? survivorId : mergedId} does not exist.`);
  const record = await move(tx, survivor, merged, options.suggestionId ?? null);
  const [updated] = await tx
    .update(contacts)
    .set({ ...record.survivorAfter, updatedAt: now })
    .where(eq(contacts.id, survivorId))
    .returning();
  await tx.delete(contacts).where(eq(contacts.id, mergedId));
  const [row] = await tx
    .insert(contactMerges)
    .values({ survivorId, mergedId, actor: actorRef(actor), record: record as unknown as Record<string, unknown>, createdAt: now })
    .returning({ id: contactMerges.id });
  const moved = {
    identities: record.identityIds.length,
    conversations: record.conversationIds.length,
    messages: record.messageIds.length,
  };
  await tx.insert(auditLog).values({
    actor: actorRef(actor),
    action: "contact.merged",
    subjectType: "contact",
    subjectId: String(survivorId),
    data: {
      merged: mergedId,
      merge: row!.id,
      suggestion: options.suggestionId ?? null,
      moved,
      ...(options.reason ? { reason: options.reason } : {}),
    },
    createdAt: now,
  });
  return { mergeId: row!.id, survivor: updated!, moved };
}

/** Moves the merged contact's rows to the survivor, writing down what moved. */
async function move(tx: Tx, survivor: Contact, merged: Contact, suggestionId: number | null): Promise<MergeRecord> {
  const ids = async (rows: Promise<{ id: number }[]>) => (await rows).map((r) => r.id);
  const identityIds = await ids(tx.select({ id: identities.id }).from(identities).where(eq(identities.contactId, merged.id)));
  const conversationIds = await ids(tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, merged.id)));
  const messageIds = await ids(tx.select({ id: messages.id }).from(messages).where(eq(messages.contactId, merged.id)));
  const theirClaims = await tx.select().from(identityClaims).where(eq(identityClaims.contactId, merged.id));
  const ownClaims = new Set(
    (await tx.select().from(identityClaims).where(eq(identityClaims.contactId, survivor.id))).map((c) => `${c.kind}\n${c.value}`),
  );
  const claimsDeleted = theirClaims.filter((c) => ownClaims.has(`${c.kind}\n${c.value}`));
  const claimIds = theirClaims.filter((c) => !ownClaims.has(`${c.kind}\n${c.value}`)).map((c) => c.id);
  const suggestions = await moveSuggestions(tx, survivor.id, merged.id);

  await tx.update(identities).set({ contactId: survivor.id }).where(eq(identities.contactId, merged.id));
  if (claimsDeleted.length > 0)
    await tx.delete(identityClaims).where(
      inArray(
        identityClaims.id,
        claimsDeleted.map((c) => c.id),
      ),
    );
  await tx.update(identityClaims).set({ contactId: survivor.id }).where(eq(identityClaims.contactId, merged.id));
  await tx.update(conversations).set({ contactId: survivor.id }).where(eq(conversations.contactId, merged.id));
  await tx.update(messages).set({ contactId: survivor.id }).where(eq(messages.contactId, merged.id));
  return {
    version: 1,
    survivorBefore: survivor,
    survivorAfter: combineFacts(survivor, merged),
    merged,
    identityIds,
    claimIds,
    claimsDeleted,
    conversationIds,
    messageIds,
    suggestions,
    suggestionId,
  };
}

/**
 * Suggestions involving the merged contact: the pair with the survivor is settled (deleted); one with
 * a third contact is re-pointed to the survivor, or deleted if the survivor has one with them already.
 * Returns them as they were.
 */
async function moveSuggestions(tx: Tx, survivorId: number, mergedId: number): Promise<MergeRecord["suggestions"]> {
  const involved = await tx
    .select()
    .from(contactSuggestions)
    .where(or(eq(contactSuggestions.contactId, mergedId), eq(contactSuggestions.otherContactId, mergedId)));
  for (const row of involved) {
    const other = row.contactId === mergedId ? row.otherContactId : row.contactId;
    const [low, high] = survivorId < other ? [survivorId, other] : [other, survivorId];
    const [clash] =
      other === survivorId
        ? [row]
        : await tx
            .select()
            .from(contactSuggestions)
            .where(and(eq(contactSuggestions.contactId, low), eq(contactSuggestions.otherContactId, high)));
    if (clash) await tx.delete(contactSuggestions).where(eq(contactSuggestions.id, row.id));
    else await tx.update(contactSuggestions).set({ contactId: low, otherContactId: high }).where(eq(contactSuggestions.id, row.id));
  }
  return involved;
}
