/**
 * Knowledge search: published articles ranked by FTS5's bm25 (title weighs most, then tags, then
 * the body), each with a plain-text excerpt around the matches. Used by the REST API, the FAQ
 * automation and, through `ctx.knowledge`, the assistants.
 */
import { sql } from "drizzle-orm";
import type { KnowledgeHit } from "../plugins/types.ts";
import { ftsTerm } from "../store/fts.ts";
import type { Queryable } from "../store/index.ts";
import { contentWords, rankingQuery } from "./query.ts";

/** A search hit: the article, its bm25 rank, an excerpt, and how many of the question's words it holds. */
export type ArticleHit = KnowledgeHit;

/** bm25 weights of knowledge_fts's columns: title, body, tags. */
const WEIGHTS = sql`10.0, 1.0, 4.0`;

/**
 * Published articles matching `text`, best first (at most `limit`, default 5), optionally only
 * those of a locale (its language: "de" also finds "de-at"). No content word: no hits.
 *
 * @example
 * const [best] = await searchArticles(store.db, "How do I get my money back?", { limit: 3 });
 */
export async function searchArticles(
  db: Queryable,
  text: string,
  options: { limit?: number; locale?: string } = {},
): Promise<ArticleHit[]> {
  const match = rankingQuery(text);
  if (!match) return [];
  const words = contentWords(text);
  const language = options.locale?.toLowerCase().split("-")[0];
  const inLocale = language ? sql`AND (a.locale = ${language} OR a.locale LIKE ${`${language}-%`})` : sql``;
  const rows = await db.all<{ id: number; title: string; tags: string; locale: string; rank: number; excerpt: string }>(sql`
    SELECT a.id, a.title, a.tags, a.locale, bm25(knowledge_fts, ${WEIGHTS}) AS rank,
           snippet(knowledge_fts, 1, '', '', '…', 24) AS excerpt
    FROM knowledge_fts JOIN knowledge_articles a ON a.id = knowledge_fts.rowid
    WHERE knowledge_fts MATCH ${match} AND a.status = 'published' ${inLocale}
    ORDER BY rank LIMIT ${options.limit ?? 5}`);
  const matched = await matchedWords(
    db,
    rows.map((row) => row.id),
    words,
  );
  const hits: ArticleHit[] = rows.map((row) => ({
    ...row,
    tags: JSON.parse(row.tags) as string[],
    matched: matched.get(row.id) ?? 0,
    asked: words.length,
  }));
  return hits;
}

/** How many of `words` each article holds (as FTS5 matches them: stemmed, accents folded): one query per word. */
async function matchedWords(db: Queryable, ids: number[], words: string[]): Promise<Map<number, number>> {
  const matched = new Map<number, number>();
  if (ids.length === 0) return matched;
  const among = JSON.stringify(ids);
  for (const word of words) {
    const rows = await db.all<{ id: number }>(
      sql`SELECT rowid AS id FROM knowledge_fts WHERE knowledge_fts MATCH ${ftsTerm(word, false)} AND rowid IN (SELECT value FROM json_each(${among}))`,
    );
    for (const { id } of rows) matched.set(id, (matched.get(id) ?? 0) + 1);
  }
  return matched;
}
