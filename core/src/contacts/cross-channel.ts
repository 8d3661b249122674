/**
 * Cross-channel context: a contact's conversation in another inbox that is still open, or was
 * active recently. The inbound pipeline joins or links a new message to it (identity.cross_channel),
 * and the inbox shows it ("Also reached out on Telegram 1d ago: …").
 */
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Conversation } from "../store/conversations.ts";
import type { Queryable } from "../store/index.ts";
import { reusableQuery } from "../store/reusable.ts";
import { conversations, messages } from "../store/schema.ts";

/** How many of the contact's latest conversations are looked at. */
const LOOK_BACK = 10;

const counts = (c: Conversation, now: number, windowMs: number) => c.status !== "resolved" || c.lastActivityAt >= now - windowMs;

/**
 * The contact's most recently active conversation outside `inbox` that is not resolved, or was
 * active within `windowMs`.
 *
 * @example
 * const other = await conversationElsewhere(tx, contactId, "mail", now, 72 * 3_600_000);
 */
export async function conversationElsewhere(
  db: Queryable,
  contactId: number,
  inbox: string,
  now: number,
  windowMs: number,
): Promise<Conversation | undefined> {
  const recent = await latestElsewhere(db, { contactId, inbox, limit: LOOK_BACK });
  return recent.find((c) => counts(c, now, windowMs));
}

/** Built once (store/reusable.ts): every new conversation asks. */
const latestElsewhere = reusableQuery((db) =>
  db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, sql.placeholder("contactId")), ne(conversations.inbox, sql.placeholder("inbox"))))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(sql.placeholder("limit")),
);

export interface ElsewhereLine {
  conversation: Conversation;
  /** The latest customer message's first line (or the subject), shortened. */
  summary: string;
  /** When the customer last wrote there. */
  at: number;
}

/**
 * The contact's other conversations (in other inboxes among `visible`) that still count, newest
 * first, each with a summary line, for "Also reached out on …".
 *
 * @example
 * const lines = await reachedOutElsewhere(store.db, conversation, visible, now, windowMs);
 */
export async function reachedOutElsewhere(
  db: Queryable,
  current: Conversation,
  visible: string[],
  now: number,
  windowMs: number,
): Promise<ElsewhereLine[]> {
  const others = (
    await db
      .select()
      .from(conversations)
      .where(
        and(eq(conversations.contactId, current.contactId), ne(conversations.inbox, current.inbox), inArray(conversations.inbox, visible)),
      )
      .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
      .limit(LOOK_BACK)
  ).filter((c) => c.id !== current.id && counts(c, now, windowMs));
  const lines: ElsewhereLine[] = [];
  for (const conversation of others.slice(0, 3)) {
    const [last] = await db
      .select({ text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, "incoming")))
      .orderBy(desc(messages.id))
      .limit(1);
    const text =
      (last?.text ?? "")
        .split("\n")
        .find((line) => line.trim() !== "")
        ?.trim() ||
      conversation.subject ||
      "(no text)";
    lines.push({
      conversation,
      summary: text.length > 100 ? `${text.slice(0, 99)}…` : text,
      at: conversation.lastCustomerMessageAt ?? last?.createdAt ?? conversation.lastActivityAt,
    });
  }
  return lines;
}
