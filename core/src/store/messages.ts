/**
 * Message lookups the pipelines share.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "./index.ts";
import { reusableQuery } from "./reusable.ts";
import { messages } from "./schema.ts";

export type Message = typeof messages.$inferSelect;

/**
 * Whether a message was written by a machine (channels flag auto-replies with `metadata.autoReply`
 * and bots with `metadata.bot`): it starts no SLA clock, and automations never answer it.
 *
 * @example
 * isAutomatedMessage({ autoReply: true }); // true
 */
export function isAutomatedMessage(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.autoReply === true || metadata?.bot === true;
}

/** The message an inbox already stored under this external id (the dedupe key). */
const byExternalId = reusableQuery((db) =>
  db
    .select()
    .from(messages)
    .where(and(eq(messages.inbox, sql.placeholder("inbox")), eq(messages.externalId, sql.placeholder("externalId"))))
    .limit(1),
);
const byId = reusableQuery((db) =>
  db
    .select()
    .from(messages)
    .where(eq(messages.id, sql.placeholder("id")))
    .limit(1),
);

export async function findMessageByExternalId(db: Queryable, inbox: string, externalId: string): Promise<Message | undefined> {
  const [row] = await byExternalId(db, { inbox, externalId });
  return row;
}

export async function findMessage(db: Queryable, id: number): Promise<Message | undefined> {
  const [row] = await byId(db, { id });
  return row;
}
