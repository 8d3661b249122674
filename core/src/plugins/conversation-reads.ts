/**
 * The reads behind `ctx.conversations.messages` and `ctx.conversations.list`: a conversation's
 * customer and agent messages (never private notes nor activity), and conversations paged by id.
 */
import { and, asc, desc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { conversations, messages } from "../store/schema.ts";
import type { ConversationInfo, ConversationMessage } from "./types.ts";

/**
 * The latest `limit` incoming and outgoing messages of a conversation, oldest first.
 *
 * @example
 * const last50 = await conversationMessages(store.db, 7, 50);
 */
export async function conversationMessages(db: Queryable, conversationId: number, limit: number): Promise<ConversationMessage[]> {
  if (!Number.isSafeInteger(conversationId)) return [];
  const rows = await db
    .select({
      id: messages.id,
      direction: messages.direction,
      text: messages.text,
      channel: messages.channel,
      inbox: messages.inbox,
      authorAgentId: messages.authorAgentId,
      metadata: messages.metadata,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), inArray(messages.direction, ["incoming", "outgoing"])))
    .orderBy(desc(messages.id))
    .limit(limit);
  return rows.reverse() as ConversationMessage[];
}

/**
 * Conversations by ascending id after `afterId`, optionally one contact's or in one status.
 *
 * @example
 * const page = await listConversations(store.db, { status: "resolved", afterId: 0, limit: 500 });
 */
export async function listConversations(
  db: Queryable,
  query: { contactId?: number; status?: "open" | "pending" | "snoozed" | "resolved"; afterId?: number; limit: number },
): Promise<ConversationInfo[]> {
  const where: SQL[] = [gt(conversations.id, query.afterId ?? 0)];
  if (query.contactId !== undefined) where.push(eq(conversations.contactId, query.contactId));
  if (query.status !== undefined) where.push(eq(conversations.status, query.status));
  return db
    .select({
      id: conversations.id,
      contactId: conversations.contactId,
      inbox: conversations.inbox,
      channel: conversations.channel,
      status: conversations.status,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
    })
    .from(conversations)
    .where(and(...where))
    .orderBy(asc(conversations.id))
    .limit(query.limit);
}
