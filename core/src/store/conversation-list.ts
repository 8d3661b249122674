/**
 * The conversation list both the REST API and the inbox show: filters, newest activity first or
 * SLA due time first, keyset pages (a [last_activity_at, id] or [sla_due_at, id] cursor), each row with its contact's name, a preview of the
 * last message, its labels (with their colours), its assignee's name and, for an agent, how many
 * customer messages they have not read (and a filter to only those with some).
 */
import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Conversation } from "./conversations.ts";
import type { Queryable } from "./index.ts";
import { agents, contacts, conversationLabels, conversationReads, conversations, labels, messages } from "./schema.ts";

export interface ConversationFilters {
  status?: Conversation["status"];
  inbox?: string;
  channel?: string;
  /** Only conversations in these inboxes (the ones the agent may see). */
  inboxes?: string[];
  /** An agent id, or null for unassigned. */
  assigneeId?: number | null;
  teamId?: number;
  contactId?: number;
  labelId?: number;
  /** Only conversations with customer messages this agent has not read. */
  unreadBy?: number;
  /** Only conversations with a private note that @mentions this agent. */
  mentionedAgentId?: number;
}

export interface ConversationRow {
  conversation: Conversation;
  contactName: string | null;
  preview: string | null;
  labels: string[];
  /** Each label's colour (#rrggbb), in the order of `labels`; null when it has none. */
  labelColors: (string | null)[];
  /** The assigned agent's name (null: unassigned). */
  assigneeName: string | null;
  /** Customer messages after the agent's last read one (0 without `readerId`). */
  unread: number;
}

/** The latest non-activity message of the conversation in the current row, cut to 140 characters. */
const preview = sql<
  string | null
>`(SELECT substr(${messages.text}, 1, 140) FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} <> 'activity' ORDER BY ${messages.id} DESC LIMIT 1)`;
const labelNames = sql<
  string | null
>`(SELECT group_concat(${labels.name} || char(30) || coalesce(${labels.color}, ''), char(31)) FROM ${conversationLabels} JOIN ${labels} ON ${labels.id} = ${conversationLabels.labelId} WHERE ${conversationLabels.conversationId} = ${conversations.id})`;

const assigneeName = sql<string | null>`(SELECT ${agents.name} FROM ${agents} WHERE ${agents.id} = ${conversations.assigneeId})`;

const lastReadBy = (readerId: number) =>
  sql`coalesce((SELECT ${conversationReads.lastReadMessageId} FROM ${conversationReads} WHERE ${conversationReads.agentId} = ${readerId} AND ${conversationReads.conversationId} = ${conversations.id}), 0)`;

function unreadFor(readerId: number | undefined) {
  if (readerId === undefined) return sql<number>`0`;
  return sql<number>`(SELECT count(*) FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} = 'incoming' AND ${messages.id} > ${lastReadBy(readerId)})`;
}

/** The WHERE conditions of a set of filters. */
export function conversationConditions(filters: ConversationFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(conversations.status, filters.status));
  if (filters.inbox) where.push(eq(conversations.inbox, filters.inbox));
  if (filters.channel) where.push(eq(conversations.channel, filters.channel));
  if (filters.inboxes) where.push(filters.inboxes.length > 0 ? inArray(conversations.inbox, filters.inboxes) : sql`0`);
  if (filters.assigneeId === null) where.push(isNull(conversations.assigneeId));
  else if (filters.assigneeId !== undefined) where.push(eq(conversations.assigneeId, filters.assigneeId));
  if (filters.teamId !== undefined) where.push(eq(conversations.teamId, filters.teamId));
  if (filters.contactId !== undefined) where.push(eq(conversations.contactId, filters.contactId));
  if (filters.labelId !== undefined) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${conversationLabels} WHERE ${conversationLabels.conversationId} = ${conversations.id} AND ${conversationLabels.labelId} = ${filters.labelId})`,
    );
  }
  if (filters.mentionedAgentId !== undefined) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${messages}, json_each(${messages.metadata}, '$.mentions') AS j WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} = 'note' AND j.value = ${filters.mentionedAgentId})`,
    );
  }
  if (filters.unreadBy !== undefined) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} = 'incoming' AND ${messages.id} > ${lastReadBy(filters.unreadBy)})`,
    );
  }
  return where;
}

/** How a list is ordered: newest activity first, or SLA due time first (breached first, none last). */
export type ConversationSort = "activity" | "due";

/** Conversations without a running SLA clock sort after every due time. */
const NO_DUE = Number.MAX_SAFE_INTEGER;
const dueKey = sql`coalesce(${conversations.slaDueAt}, ${NO_DUE})`;

/**
 * The keyset of a row in a sort: what `after` takes for the next page.
 *
 * @example
 * page(rows, 25, (r) => sortKey(r.conversation, "due"));
 */
export function sortKey(
  conversation: Pick<Conversation, "lastActivityAt" | "slaDueAt" | "id">,
  sort: ConversationSort = "activity",
): [number, number] {
  return sort === "due" ? [conversation.slaDueAt ?? NO_DUE, conversation.id] : [conversation.lastActivityAt, conversation.id];
}

/**
 * One page of conversations, newest activity first (or by SLA due time with `sort: "due"`).
 * Fetches `limit + 1` rows: pass them to `page()` (store/cursor.ts) to learn whether there is a next page.
 *
 * @example
 * const rows = await listConversations(store.db, { status: "open", assigneeId: null }, { limit: 25, readerId: agent.id });
 * const { rows: visible, next } = page(rows, 25, (r) => [r.conversation.lastActivityAt, r.conversation.id]);
 */
export async function listConversations(
  db: Queryable,
  filters: ConversationFilters,
  options: { limit: number; after?: [key: number, id: number]; readerId?: number; sort?: ConversationSort },
): Promise<ConversationRow[]> {
  const where = conversationConditions(filters);
  const byDue = options.sort === "due";
  if (options.after && byDue) where.push(sql`(${dueKey}, ${conversations.id}) > (${options.after[0]}, ${options.after[1]})`);
  else if (options.after)
    where.push(sql`(${conversations.lastActivityAt}, ${conversations.id}) < (${options.after[0]}, ${options.after[1]})`);
  const rows = await db
    .select({
      conversation: conversations,
      contactName: contacts.name,
      preview,
      labelNames,
      assigneeName,
      unread: unreadFor(options.readerId),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...where))
    .orderBy(...(byDue ? [asc(dueKey), asc(conversations.id)] : [desc(conversations.lastActivityAt), desc(conversations.id)]))
    .limit(options.limit + 1);
  return rows.map((r) => {
    const tags = r.labelNames ? r.labelNames.split("\u001f").map((t) => t.split("\u001e")) : [];
    return {
      conversation: r.conversation,
      contactName: r.contactName,
      preview: r.preview,
      labels: tags.map(([name]) => name!),
      labelColors: tags.map(([, color]) => color || null),
      assigneeName: r.assigneeName,
      unread: Number(r.unread),
    };
  });
}
