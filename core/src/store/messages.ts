/**
 * Message lookups the pipelines share.
 */
import { and, eq } from "drizzle-orm";
import type { MessageEventData } from "../events/types.ts";
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

/** The event payload describing a stored message (for message.created and message.updated). */
export function messageEventData(message: Message): MessageEventData {
  return {
    messageId: message.id,
    conversationId: message.conversationId,
    contactId: message.contactId,
    inbox: message.inbox,
    channel: message.channel,
    direction: message.direction,
    text: message.text,
    authorAgentId: message.authorAgentId,
    createdAt: message.createdAt,
  };
}
