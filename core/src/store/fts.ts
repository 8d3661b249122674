/**
 * Turns what a user typed into a safe FTS5 query: each word becomes a quoted prefix term
 * ("word"*), so operators, quotes and column filters in the input are matched as text, never parsed.
 */

/**
 * The FTS5 MATCH expression for a search box input, or undefined when it holds no words.
 *
 * @example
 * ftsQuery('refund "order 42" OR'); // '"refund"* """order"* "42"""* "OR"*'
 */
export function ftsQuery(input: string): string | undefined {
  const words = input.split(/\s+/).filter((word) => word.length > 0).slice(0, 16);
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}
