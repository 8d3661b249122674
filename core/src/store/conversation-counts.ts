/**
 * How many conversations each list view holds (Mine, Unassigned, All, and those with unread
 * customer messages) under the same filters as the list, for the counts beside the views.
 */
import { and, sql } from "drizzle-orm";
import { type ConversationFilters, conversationConditions } from "./conversation-list.ts";
import type { Queryable } from "./index.ts";
import { conversations } from "./schema.ts";

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
  const shared = { ...filters, assigneeId: undefined, mentionedAgentId: undefined };
  const [row] = await db
    .select({
      mine: sql<number>`coalesce(sum(${conversations.assigneeId} = ${agentId}), 0)`,
      unassigned: sql<number>`coalesce(sum(${conversations.assigneeId} IS NULL), 0)`,
      all: sql<number>`count(*)`,
    })
    .from(conversations)
    .where(and(...conversationConditions({ ...shared, unreadBy: undefined })));
  // The unread count is the list's own unread filter, counted: a WHERE keeps its columns qualified.
  // (In the select list of a one-table query, drizzle writes every column without its table, so a
  // subquery's "id" there is the subquery's own: messages.id, not conversations.id.)
  const [unread] = await db
    .select({ count: sql<number>`count(*)` })
    .from(conversations)
    .where(and(...conversationConditions({ ...shared, unreadBy: agentId })));
  return {
    mine: Number(row?.mine ?? 0),
    unassigned: Number(row?.unassigned ?? 0),
    all: Number(row?.all ?? 0),
    unread: Number(unread?.count ?? 0),
  };
}
