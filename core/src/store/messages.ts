/**
 * Message lookups the pipelines share, and the insert of a customer's message.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./index.ts";
import { lastInsertedRowid, reusableQuery } from "./reusable.ts";
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

/** A customer's message as the inbound pipeline stores it (see insertIncomingMessage). */
const insertIncoming = reusableQuery((db) =>
  db.insert(messages).values({
    conversationId: sql.placeholder("conversationId"),
    contactId: sql.placeholder("contactId"),
    inbox: sql.placeholder("inbox"),
    channel: sql.placeholder("channel"),
    direction: "incoming",
    externalId: sql.placeholder("externalId"),
    replyToExternalId: sql.placeholder("replyToExternalId"),
    text: sql.placeholder("text"),
    html: sql.placeholder("html"),
    // The JSON text as given (insertIncomingMessage writes it once and builds the row from it).
    metadata: sql`${sql.placeholder("metadata")}`,
    deliveryStatus: "received",
    createdAt: sql.placeholder("now"),
    updatedAt: sql.placeholder("now"),
  }),
);

/**
 * Inserts a customer's message and answers its row as the store holds it, built here from the
 * statement's last rowid: RETURNING every column cost SQLite about 9 µs per message and the client
 * its decoding (issue 22). messages.test.ts holds the built row equal to the row read back.
 *
 * @example
 * const stored = await insertIncomingMessage(tx, { conversationId, contactId, inbox: "shop", channel: "api", externalId: "m-1", replyToExternalId: null, text: "Hi", html: null, metadata: {} }, clock.now());
 */
export async function insertIncomingMessage(
  tx: Tx,
  values: Omit<Message, "id" | "direction" | "authorAgentId" | "deliveryStatus" | "deliveryError" | "createdAt" | "updatedAt">,
  now: number,
): Promise<Message> {
  const metadata = JSON.stringify(values.metadata);
  const id = lastInsertedRowid(await insertIncoming(tx, { ...values, metadata, now }), "the message");
  return {
    ...values,
    id,
    direction: "incoming",
    authorAgentId: null,
    metadata: JSON.parse(metadata),
    deliveryStatus: "received",
    deliveryError: null,
    createdAt: now,
    updatedAt: now,
  };
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
