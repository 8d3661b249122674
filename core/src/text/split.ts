/**
 * Channel-neutral text splitting for channels with a message length limit (Telegram 4096, Discord
 * 2000, SMS...). Splits a long text into parts of at most `limit` UTF-16 code units, cutting at a paragraph, then
 * a line, then a space when one is in the last quarter of the part, and never inside a surrogate
 * pair (an emoji is never cut in two).
 */

/**
 * Splits `text` into parts of at most `limit` UTF-16 code units, at the best break available.
 *
 * @example
 * splitText("a".repeat(5000), 4096).map((p) => p.length); // [4096, 904]
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new RangeError(`splitText needs a limit of at least 2, got ${limit}`);
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.length > 0) parts.push(rest);
  return parts.filter((part) => part.length > 0);
}

function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const floor = Math.floor(limit * 0.75);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator, limit - separator.length);
    if (at >= floor) return at + separator.length;
  }
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
