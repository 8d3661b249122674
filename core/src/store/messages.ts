/**
 * Message lookups the pipelines share.
 */
import { and, eq } from "drizzle-orm";
import type { Queryable } from "./index.ts";
import { messages } from "./schema.ts";

export type Message = typeof messages.$inferSelect;

/** The message an inbox already stored under this external id (the dedupe key). */
export async function findMessageByExternalId(db: Queryable, inbox: string, externalId: string): Promise<Message | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.inbox, inbox), eq(messages.externalId, externalId)))
    .limit(1);
  return row;
}

export async function findMessage(db: Queryable, id: number): Promise<Message | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row;
}
