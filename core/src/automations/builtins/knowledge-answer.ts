/**
 * The FAQ's answer from the knowledge base: the published article that best matches the customer's
 * question (bm25), when it holds enough of the question's content words (a share, `min_match`, or
 * a number, `min_words`). Articles in
 * the message's language (metadata.language) are tried first, then all. The answer is the article's
 * title and plain text, cut at a word to `max_chars`.
 */
import type { AutomationsConfig } from "../../config/automations.ts";
import { languageOf } from "../../contacts/read-values.ts";
import { getArticle, markdownToText, searchArticles } from "../../knowledge/index.ts";
import type { Queryable } from "../../store/index.ts";
import type { Message } from "../../store/messages.ts";

type KnowledgeConfig = AutomationsConfig["faq"]["knowledge"];

/** `text` cut at a word so it is at most `max` characters, with "…" when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const space = head.search(/\s\S*$/);
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/**
 * The answer to `message` from the best article, or undefined when knowledge answers are off or no
 * article matches well enough.
 *
 * @example
 * const answer = await knowledgeAnswer(store.db, config.automations.faq.knowledge, message);
 */
export async function knowledgeAnswer(
  db: Queryable,
  config: KnowledgeConfig,
  message: Pick<Message, "text" | "metadata">,
): Promise<string | undefined> {
  if (!config.enabled) return undefined;
  const language = languageOf(message.metadata.language);
  const hits = (language ? await searchArticles(db, message.text, { limit: 1, locale: language }) : []).concat(
    await searchArticles(db, message.text, { limit: 1 }),
  );
  const best = hits.find((hit) => hit.matched >= config.min_words || (hit.asked > 0 && hit.matched / hit.asked >= config.min_match));
  if (!best) return undefined;
  const article = await getArticle(db, best.id, { publishedOnly: true });
  return cut(`${article.title}\n\n${markdownToText(article.body)}`, config.max_chars);
}
