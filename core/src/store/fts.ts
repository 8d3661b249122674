/**
 * Turns what a user typed into a safe FTS5 query: each word becomes a quoted term, so operators,
 * quotes and column filters in the input are matched as text, never parsed. Control characters
 * (NUL among them, which would cut the query short inside SQLite) separate words, as they do for
 * the unicode61 tokenizer that built the index.
 */

/** At most this many words of the input are searched for. */
const MAX_WORDS = 16;

/** What separates words: white space and control characters. */
const SEPARATORS = /[\s\p{Cc}]+/u;

/** The words of a search box input (at most 16). */
export function searchWords(input: string): string[] {
  return input
    .split(SEPARATORS)
    .filter((word) => word.length > 0)
    .slice(0, MAX_WORDS);
}

/** A word as a quoted FTS5 term, with `*` for a prefix term. */
export function ftsTerm(word: string, prefix: boolean): string {
  return `"${word.replaceAll('"', '""')}"${prefix ? "*" : ""}`;
}

/**
 * The FTS5 MATCH expression for a search box input with every word as a prefix term ("word"*), or
 * undefined when it holds no words.
 *
 * @example
 * ftsQuery('refund "order 42" OR'); // '"refund"* """order"* "42"""* "OR"*'
 */
export function ftsQuery(input: string): string | undefined {
  const words = searchWords(input);
  if (words.length === 0) return undefined;
  return words.map((word) => ftsTerm(word, true)).join(" ");
}
