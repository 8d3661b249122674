/**
 * How many conversations each list view holds (Mine, Unassigned, All, and those with unread
 * customer messages) under the same filters as the list, for the counts beside the views.
 */
import { and, sql } from "drizzle-orm";
import { type ConversationFilters, conversationConditions } from "./conversation-list.ts";
import type { Queryable } from "./index.ts";
import { conversationReads, conversations, messages } from "./schema.ts";

export interface ViewCounts {
  mine: number;
  unassigned: number;
  all: number;
  /** Of all, those with customer messages the agent has not read. */
  unread: number;
}

/**
 * Counts the views for `agentId` under `filters` (their assignee and unread filters are ignored).
 *
 * @example
 * const counts = await countViews(store.db, { status: "open", inboxes: ["support"] }, agent.id);
 * counts.mine; // 4
 */
export async function countViews(db: Queryable, filters: ConversationFilters, agentId: number): Promise<ViewCounts> {
  const where = conversationConditions({ ...filters, assigneeId: undefined, unreadBy: undefined, mentionedAgentId: undefined });
  const lastRead = sql`coalesce((SELECT ${conversationReads.lastReadMessageId} FROM ${conversationReads} WHERE ${conversationReads.agentId} = ${agentId} AND ${conversationReads.conversationId} = ${conversations.id}), 0)`;
  const [row] = await db
    .select({
      mine: sql<number>`coalesce(sum(${conversations.assigneeId} = ${agentId}), 0)`,
      unassigned: sql<number>`coalesce(sum(${conversations.assigneeId} IS NULL), 0)`,
      all: sql<number>`count(*)`,
      unread: sql<number>`coalesce(sum(EXISTS (SELECT 1 FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} = 'incoming' AND ${messages.id} > ${lastRead})), 0)`,
    })
    .from(conversations)
    .where(and(...where));
  return {
    mine: Number(row?.mine ?? 0),
    unassigned: Number(row?.unassigned ?? 0),
    all: Number(row?.all ?? 0),
    unread: Number(row?.unread ?? 0),
  };
}
