/**
 * Cases in the store: the case a linked conversation joins (created with the conversation it links
 * to, whose id it takes), a case's conversations, and its one status for reports (resolved once
 * every conversation of it is; a merged-away conversation does not count). Runs in the caller's
 * transaction.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { findConversation } from "../store/conversations.ts";
import type { Queryable, Tx } from "../store/index.ts";
import { cases, conversations } from "../store/schema.ts";

export type Case = typeof cases.$inferSelect;
export type CaseConversation = typeof conversations.$inferSelect;

/**
 * The case a new conversation linked to `linkedId` joins: the linked conversation's case, or a new
 * one rooted at it (its id, channel and first customer message). Returns the case id.
 *
 * @example
 * const caseId = await caseForLink(tx, linkTo, now); // then insert the conversation with { caseId }
 */
export async function caseForLink(tx: Tx, linkedId: number, now: number): Promise<number | null> {
  const linked = await findConversation(tx, linkedId);
  if (!linked) return null;
  if (linked.caseId !== null) {
    await tx.update(cases).set({ status: "open", resolvedAt: null, updatedAt: now }).where(eq(cases.id, linked.caseId));
    return linked.caseId;
  }
  await tx
    .insert(cases)
    .values({
      id: linked.id,
      channel: linked.channel,
      status: "open",
      openedAt: linked.createdAt,
      firstResponseAt: linked.firstResponseAt,
      updatedAt: now,
    })
    .onConflictDoNothing();
  await tx.update(conversations).set({ caseId: linked.id }).where(eq(conversations.id, linked.id));
  return linked.id;
}

/**
 * One case; undefined if there is none.
 *
 * @example
 * const found = await findCase(store.db, 12);
 */
export async function findCase(db: Queryable, id: number): Promise<Case | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row;
}

/**
 * The conversations of a case (merged-away ones left out), first first.
 *
 * @example
 * const all = await caseConversations(store.db, 12);
 */
export async function caseConversations(db: Queryable, caseId: number): Promise<CaseConversation[]> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.caseId, caseId), isNull(conversations.mergedIntoId)))
    .orderBy(asc(conversations.createdAt), asc(conversations.id));
}

/**
 * Recomputes a case's status from its conversations: resolved (at the latest resolution) when all
 * are resolved, else open. Idempotent.
 *
 * @example
 * await refreshCase(tx, 12, now);
 */
export async function refreshCase(tx: Tx, caseId: number, now: number): Promise<void> {
  const current = await findCase(tx, caseId);
  if (!current) return;
  const members = await caseConversations(tx, caseId);
  const resolved = members.length > 0 && members.every((c) => c.status === "resolved");
  const resolvedAt = resolved ? Math.max(...members.map((c) => c.resolvedAt ?? 0)) : null;
  const status = resolved ? "resolved" : "open";
  if (current.status === status && current.resolvedAt === resolvedAt) return;
  await tx.update(cases).set({ status, resolvedAt, updatedAt: now }).where(eq(cases.id, caseId));
}

/**
 * Records the case's first response (the first agent reply on any of its conversations), once.
 *
 * @example
 * await markFirstResponse(tx, 12, reply.createdAt, now);
 */
export async function markFirstResponse(tx: Tx, caseId: number, at: number, now: number): Promise<void> {
  await tx
    .update(cases)
    .set({ firstResponseAt: at, updatedAt: now })
    .where(and(eq(cases.id, caseId), isNull(cases.firstResponseAt)));
}
