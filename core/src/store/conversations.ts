/**
 * Conversation lookups the pipelines share: the conversation a new message threads into.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Queryable } from "./index.ts";
import { reusableQuery } from "./reusable.ts";
import { conversations } from "./schema.ts";

export type Conversation = typeof conversations.$inferSelect;

const byId = reusableQuery((db) =>
  db
    .select()
    .from(conversations)
    .where(eq(conversations.id, sql.placeholder("id")))
    .limit(1),
);
const latestInThread = reusableQuery((db) =>
  db
    .select()
    .from(conversations)
    .where(and(eq(conversations.inbox, sql.placeholder("inbox")), eq(conversations.threadKey, sql.placeholder("threadKey"))))
    .orderBy(desc(conversations.id))
    .limit(1),
);
const latestUnthreaded = reusableQuery((db) =>
  db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.contactId, sql.placeholder("contactId")),
        eq(conversations.inbox, sql.placeholder("inbox")),
        isNull(conversations.threadKey),
      ),
    )
    .orderBy(desc(conversations.id))
    .limit(1),
);

export async function findConversation(db: Queryable, id: number): Promise<Conversation | undefined> {
  const [row] = await byId(db, { id });
  return row;
}

/**
 * The latest conversation a message would join: by channel thread when there is one, else the
 * contact's latest conversation in this inbox that has no thread either (so a private message never
 * joins a group thread the same person wrote in). A resolved one is returned too: the caller decides.
 */
export async function latestConversationFor(
  db: Queryable,
  where: { inbox: string; threadKey?: string; contactId: number | null },
): Promise<Conversation | undefined> {
  if (where.threadKey) {
    const [row] = await latestInThread(db, { inbox: where.inbox, threadKey: where.threadKey });
    return row;
  }
  if (where.contactId === null) return undefined;
  const [row] = await latestUnthreaded(db, { contactId: where.contactId, inbox: where.inbox });
  return row;
}
