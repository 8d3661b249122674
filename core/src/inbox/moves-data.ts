/**
 * The conversation merges and splits an agent can undo from a conversation's header: those that
 * touched this conversation (as the one merged away or split from, or as the one that took the
 * messages), not undone yet, whose other conversation the agent may see (the access rule).
 */
import { and, desc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { conversationMoves, conversations } from "../store/schema.ts";

export interface MoveView {
  id: number;
  kind: "merge" | "split";
  /** Merge: the conversation merged away. Split: the conversation the messages left. */
  sourceId: number;
  /** Merge: the conversation that took them. Split: the new conversation. */
  targetId: number;
  createdAt: number;
}

/**
 * The newest undoable moves of `conversationId` (at most 5) that `inboxes` may see both ends of.
 *
 * @example
 * const moves = await undoableMoves(store.db, 12, viewer.inboxes);
 */
export async function undoableMoves(db: Queryable, conversationId: number, inboxes: string[]): Promise<MoveView[]> {
  const rows = await db
    .select({
      id: conversationMoves.id,
      kind: conversationMoves.kind,
      sourceId: conversationMoves.sourceId,
      targetId: conversationMoves.targetId,
      createdAt: conversationMoves.createdAt,
    })
    .from(conversationMoves)
    .where(
      and(
        isNull(conversationMoves.undoneAt),
        or(eq(conversationMoves.sourceId, conversationId), eq(conversationMoves.targetId, conversationId)),
      ),
    )
    .orderBy(desc(conversationMoves.id))
    .limit(5);
  if (rows.length === 0) return [];
  const ends = [...new Set(rows.flatMap((r) => [r.sourceId, r.targetId]))];
  const seen = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(inArray(conversations.id, ends), inArray(conversations.inbox, inboxes)));
  const visible = new Set(seen.map((s) => s.id));
  return rows.filter((r) => visible.has(r.sourceId) && visible.has(r.targetId));
}
