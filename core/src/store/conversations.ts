/**
 * Conversation lookups the pipelines share: the conversation a new message threads into.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Queryable } from "./index.ts";
import { conversations } from "./schema.ts";

export type Conversation = typeof conversations.$inferSelect;

export async function findConversation(db: Queryable, id: number): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row;
}

/**
 * The latest conversation a message would join: by channel thread when there is one, else the
 * contact's latest conversation in this inbox that has no thread either (so a private message never
 * joins a group thread the same person wrote in). A resolved one is returned too: the caller decides.
 */
export async function latestConversationFor(db: Queryable, where: { inbox: string; threadKey?: string; contactId: number | null }): Promise<Conversation | undefined> {
  if (where.threadKey) {
    const [row] = await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.inbox, where.inbox), eq(conversations.threadKey, where.threadKey)))
      .orderBy(desc(conversations.id))
      .limit(1);
    return row;
  }
  if (where.contactId === null) return undefined;
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, where.contactId), eq(conversations.inbox, where.inbox), isNull(conversations.threadKey)))
    .orderBy(desc(conversations.id))
    .limit(1);
  return row;
}
