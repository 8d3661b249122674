/**
 * What a conversation merge or split writes down so it can be undone exactly: the rows of both
 * conversations and of every SLA clock it changed, as they were and as it left them, and the ids of
 * everything that moved. Plus reading a move back (SWB_ERR_NOT_FOUND, SWB_ERR_CONFLICT when undone).
 */
import { eq } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Conversation } from "../store/conversations.ts";
import type { Queryable } from "../store/index.ts";
import { conversationMoves, type slaClocks } from "../store/schema.ts";

export type ConversationMove = typeof conversationMoves.$inferSelect;
type Clock = typeof slaClocks.$inferSelect;

export interface MoveRecord {
  version: 1;
  sourceBefore: Conversation;
  sourceAfter: Conversation;
  targetBefore: Conversation;
  targetAfter: Conversation;
  /** Messages that changed conversation (not the activity entries the move wrote). */
  messageIds: number[];
  /** The activity entries the move wrote, removed on undo. */
  activityIds: number[];
  /** Labels the source had (merge: removed from it). Absent in a split's record. */
  sourceLabelIds: number[];
  /** Labels the target got that it did not have (removed on undo). */
  labelsAdded: number[];
  /** Clocks the move changed, as they were and as it left them (by id). */
  clocksBefore: Clock[];
  clocksAfter: Clock[];
  /** Scheduled replies moved with the messages. */
  scheduledIds: number[];
}

/**
 * One conversation move; SWB_ERR_NOT_FOUND if there is none.
 *
 * @example
 * const move = await findMove(store.db, 3);
 */
export async function findMove(db: Queryable, id: number): Promise<ConversationMove> {
  const [row] = await db.select().from(conversationMoves).where(eq(conversationMoves.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation merge or split ${id} does not exist.`);
  return row;
}

/** The record of a move. */
export const recordOf = (move: ConversationMove) => move.record as unknown as MoveRecord;
