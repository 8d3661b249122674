/**
 * Turns a customer's question into an FTS5 query for ranking (bm25): its content words, each
 * quoted (so nothing in the text is parsed as an operator), joined with OR, so an article that
 * holds most of them ranks first without having to hold all. Words that carry no meaning on their
 * own ("the", "is", "can") are left out: FTS5 has no stopwords, and with OR they would match nearly
 * everything.
 */
import { ftsTerm, searchWords } from "../store/fts.ts";

const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have hello hey hi how i i'm im if in into is it " +
    "it's its just me my no not of on or our please so than thanks thank that the their them then there these they this to " +
    "too us was we were what when where which who why will with would you your yours"
  ).split(" "),
);

/** The words of `text` that may carry meaning: lower-case, punctuation stripped, stopwords and 1-letter words left out, at most 16. */
export function contentWords(text: string): string[] {
  const words = searchWords(text.toLowerCase())
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((word) => word.length > 1 && !STOPWORDS.has(word));
  return [...new Set(words)].slice(0, 16);
}

/**
 * The FTS5 MATCH expression for ranking by relevance, or undefined when the text holds no content word.
 *
 * @example
 * rankingQuery("How do I get a refund?"); // '"get" OR "refund"'
 */
export function rankingQuery(text: string): string | undefined {
  const words = contentWords(text);
  return words.length === 0 ? undefined : words.map((word) => ftsTerm(word, false)).join(" OR ");
}
