/**
 * Full-text search (FTS5) over messages, newest matches first, each hit with a snippet as safe HTML
 * (the text escaped, the matches in <mark>). Shared by the REST API and the inbox.
 */
import { sql } from "drizzle-orm";
import { ftsTerm, searchWords } from "./fts.ts";
import type { Queryable, Store } from "./index.ts";
import type { MessageDirection } from "./schema.ts";
import { catchUpMessageSearch } from "./search-index.ts";

/** Match markers that cannot occur in escaped text; swapped for <mark> after escaping. */
const OPEN = "\u0002";
const CLOSE = "\u0003";

export interface MessageHit {
  id: number;
  conversation_id: number;
  contact_id: number;
  inbox: string;
  channel: string;
  direction: MessageDirection;
  created_at: number;
  /** Safe HTML. */
  snippet: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The snippet as safe HTML: the text escaped, the matches in <mark>. */
function highlight(snippet: string): string {
  return escapeHtml(snippet).replaceAll(OPEN, "<mark>").replaceAll(CLOSE, "</mark>");
}

/**
 * The FTS5 MATCH expression for a search of messages, or undefined when the input holds no words.
 * A word the index holds as a word (after Porter stemming, so "refunds" and "refunded" are
 * "refund") is matched as that word: one term's list of matches, read newest first and only as far
 * as the page needs. A word it does not hold, say one still being typed ("refu"), is matched as a
 * prefix, which costs a merge of every matching term's list. Whole words are what most searches
 * are, and what keeps a common word as fast at 1M messages as at 10k.
 *
 * @example
 * const match = await messageSearchMatch(store, "refund ord"); // '"refund" "ord"*' when "ord" is no word of any message
 */
export async function messageSearchMatch(store: Store, input: string): Promise<string | undefined> {
  const words = searchWords(input);
  if (words.length === 0) return undefined;
  // The index is filled after the messages' writes: what is left goes in first, so the search finds
  // every message committed before it.
  await catchUpMessageSearch(store);
  const { db } = store;
  const terms: string[] = [];
  for (const word of words) {
    const whole = ftsTerm(word, false);
    const held = await db.all<{ hit: number }>(sql`SELECT 1 AS hit FROM messages_fts WHERE messages_fts MATCH ${whole} LIMIT 1`);
    terms.push(held.length > 0 ? whole : ftsTerm(word, true));
  }
  return terms.join(" ");
}

/**
 * Messages matching an FTS query (build it with `messageSearchMatch`), activity entries left out,
 * optionally only in some inboxes. Fetch `limit + 1` to learn whether there is more.
 *
 * @example
 * const hits = await searchMessages(store.db, (await messageSearchMatch(store, "refund"))!, { limit: 26, offset: 0 });
 */
export async function searchMessages(
  db: Queryable,
  match: string,
  options: { limit: number; offset: number; inboxes?: string[] },
): Promise<MessageHit[]> {
  const inInboxes = options.inboxes ? sql`AND m.inbox IN (SELECT value FROM json_each(${JSON.stringify(options.inboxes)}))` : sql``;
  // Newest first: FTS5 walks a whole word's matches in rowid order and stops at the limit, so a
  // common word costs the same at 1M messages as at 10k (ranking every match by relevance took
  // ~400 ms there).
  const rows = await db.all<MessageHit>(sql`
    SELECT m.id, m.conversation_id, m.contact_id, m.inbox, m.channel, m.direction, m.created_at,
           snippet(messages_fts, 0, ${OPEN}, ${CLOSE}, '…', 16) AS snippet
    FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
    WHERE messages_fts MATCH ${match} AND m.direction <> 'activity' ${inInboxes}
    ORDER BY messages_fts.rowid DESC
    LIMIT ${options.limit} OFFSET ${options.offset}`);
  return rows.map((row) => ({ ...row, snippet: highlight(row.snippet) }));
}
