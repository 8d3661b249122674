/**
 * Undoing a contact merge: the merged contact comes back with its id, and every identity, claim,
 * conversation and message that moved goes back to it (with the messages that arrived since in
 * those conversations). The survivor's facts return to what they were, except any changed since
 * the merge. Suggestions are restored as they were. With nothing changed in between, every table
 * is exactly as before the merge. Audited; `contact.unmerged` is recorded with the change.
 */
import { and, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findContact } from "../store/contacts.ts";
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
import { actorRef } from "./merge.ts";
import { type MergeRecord, restoreFacts } from "./merge-record.ts";

export type ContactMerge = typeof contactMerges.$inferSelect;

/**
 * Undoes merge `mergeId`. Throws SWB_ERR_NOT_FOUND for an unknown merge, SWB_ERR_CONFLICT when it
 * was undone already or when the survivor was merged into someone else since (undo that first).
 *
 * @example
 * await undoMerge(switchboard, agent, 12);
 */
export async function undoMerge(
  sb: Pick<Services, "store" | "clock" | "bus">,
  actor: Actor,
  mergeId: number,
): Promise<{ survivorId: number; restoredId: number }> {
  const now = sb.clock.now();
  const merge = await sb.store.write(async (tx) => {
    const merge = await undoable(tx, mergeId);
    const record = merge.record as unknown as MergeRecord;
    await tx.insert(contacts).values(record.merged);
    await moveBack(tx, merge.survivorId, record);
    const current = (await findContact(tx, merge.survivorId))!;
    const { facts, exact } = restoreFacts(current, record.survivorBefore, record.survivorAfter);
    await tx
      .update(contacts)
      .set({ ...facts, updatedAt: exact ? record.survivorBefore.updatedAt : now })
      .where(eq(contacts.id, merge.survivorId));
    await restoreSuggestions(tx, record);
    await tx
      .update(contactMerges)
      .set({ undoneAt: now, undoneBy: actorRef(actor) })
      .where(eq(contactMerges.id, mergeId));
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "contact.unmerged",
      subjectType: "contact",
      subjectId: String(merge.survivorId),
      data: { restored: merge.mergedId, merge: mergeId, exact },
      createdAt: now,
    });
    const event = await sb.bus.record(tx, "contact.unmerged", {
      survivorId: merge.survivorId,
      restoredId: merge.mergedId,
      actor: actorRef(actor),
      mergeId,
    });
    return { ...merge, event };
  });
  sb.bus.announce(merge.event);
  return { survivorId: merge.survivorId, restoredId: merge.mergedId };
}

/** The merge, if it can be undone now. */
async function undoable(tx: Tx, mergeId: number): Promise<ContactMerge> {
  const [merge] = await tx.select().from(contactMerges).where(eq(contactMerges.id, mergeId));
  if (!merge) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Contact merge ${mergeId} does not exist.`);
  if (merge.undoneAt !== null) throw new SwitchboardError(ErrorCodes.CONFLICT, `Contact merge ${mergeId} was already undone.`);
  const [later] = await tx
    .select()
    .from(contactMerges)
    .where(and(eq(contactMerges.mergedId, merge.survivorId), isNull(contactMerges.undoneAt), gt(contactMerges.id, mergeId)))
    .orderBy(desc(contactMerges.id))
    .limit(1);
  if (later) {
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      `Contact ${merge.survivorId} was itself merged into contact ${later.survivorId} (merge ${later.id}) since. Undo merge ${later.id} first.`,
    );
  }
  if (!(await findContact(tx, merge.survivorId)))
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      `Contact ${merge.survivorId} no longer exists (it was erased), so merge ${mergeId} cannot be undone.`,
    );
  if (await findContact(tx, merge.mergedId))
    throw new SwitchboardError(ErrorCodes.CONFLICT, `Contact ${merge.mergedId} exists again, so merge ${mergeId} cannot be undone.`);
  return merge;
}

/** Moves what the merge moved (and still belongs to the survivor) back to the restored contact. */
async function moveBack(tx: Tx, survivorId: number, record: MergeRecord): Promise<void> {
  const restoredId = record.merged.id;
  const stillOnSurvivor = <T extends typeof identities | typeof identityClaims | typeof conversations | typeof messages>(
    table: T,
    ids: number[],
  ) => and(inArray(table.id, ids), eq(table.contactId, survivorId));
  if (record.identityIds.length)
    await tx.update(identities).set({ contactId: restoredId }).where(stillOnSurvivor(identities, record.identityIds));
  if (record.claimIds.length)
    await tx.update(identityClaims).set({ contactId: restoredId }).where(stillOnSurvivor(identityClaims, record.claimIds));
  if (record.claimsDeleted.length) await tx.insert(identityClaims).values(record.claimsDeleted).onConflictDoNothing();
  if (record.conversationIds.length) {
    await tx.update(conversations).set({ contactId: restoredId }).where(stillOnSurvivor(conversations, record.conversationIds));
    const back = tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(inArray(conversations.id, record.conversationIds), eq(conversations.contactId, restoredId)));
    await tx
      .update(messages)
      .set({ contactId: restoredId })
      .where(and(inArray(messages.conversationId, back), eq(messages.contactId, survivorId)));
  }
  for (let i = 0; i < record.messageIds.length; i += CHUNK) {
    await tx
      .update(messages)
      .set({ contactId: restoredId })
      .where(stillOnSurvivor(messages, record.messageIds.slice(i, i + CHUNK)));
  }
}

/** Ids per statement (SQLite limits the number of bound parameters). */
const CHUNK = 1000;

/** Puts each suggestion the merge deleted or re-pointed back as it was (unless a contact of it is gone). */
async function restoreSuggestions(tx: Tx, record: MergeRecord): Promise<void> {
  for (const row of record.suggestions) {
    await tx.delete(contactSuggestions).where(eq(contactSuggestions.id, row.id));
    const present = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(inArray(contacts.id, [row.contactId, row.otherContactId]));
    if (present.length === 2) await tx.insert(contactSuggestions).values(row).onConflictDoNothing();
  }
}
