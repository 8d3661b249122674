/**
 * What a customer's message says that may tie them to another contact, read from its text: names
 * folded for comparison (case, accents, spacing), references (order, account, invoice or ticket
 * numbers, by configurable patterns), emails and phone numbers written in the body, and the names
 * of other channels the customer mentions ("I wrote on Telegram yesterday"). Pure functions, no store.
 */

/** The default reference patterns: `#12345`, `A-1001`, `INV-2026-0042`. `[identity] reference_patterns` replaces them. */
export const DEFAULT_REFERENCE_PATTERNS = ["#\\d{4,}", "\\b[A-Z]{1,5}-\\d{3,}(?:-\\d+)*\\b"];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?:\+|\b00)\d[\d ()./-]{6,}\d/g;

/**
 * A name as compared: lower case, accents removed, runs of spaces and punctuation as one space.
 *
 * @example
 * foldName("  María   LÓPEZ ") // "maria lopez"
 */
export function foldName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Compiles reference patterns from config; a pattern that is not a valid regular expression throws
 * with the pattern in the message (the config check reports it).
 *
 * @example
 * const patterns = referencePatterns(["#\\d{4,}"]);
 */
export function referencePatterns(sources: string[]): RegExp[] {
  return sources.map((source) => new RegExp(source, "g"));
}

/**
 * The references a text mentions, as written (upper-cased), at most `max`.
 *
 * @example
 * referencesIn("Order A-1001 and #12345", referencePatterns(DEFAULT_REFERENCE_PATTERNS)) // ["#12345", "A-1001"]
 */
export function referencesIn(text: string, patterns: RegExp[], max = 5): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.add(match[0].toUpperCase());
  return [...found].sort().slice(0, max);
}

/**
 * Emails and phone numbers (with a country prefix) written in a text, at most `max` of each.
 * Phones are returned as digits with a leading "+" (E.164 when the writer gave the country).
 *
 * @example
 * identifiersIn("mail me at Ann@Example.com or +49 30 1234567") // { emails: ["ann@example.com"], phones: ["+49301234567"] }
 */
export function identifiersIn(text: string, max = 3): { emails: string[]; phones: string[] } {
  const emails = [...new Set([...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase()))].slice(0, max);
  const phones = [
    ...new Set(
      [...text.matchAll(PHONE)].map((m) => m[0].replace(/^00/, "+").replace(/[^\d+]/g, "")).filter((p) => p.length >= 9 && p.length <= 16),
    ),
  ].slice(0, max);
  return { emails, phones };
}

/**
 * Which of `names` (channel kinds, inbox names, inbox display names) a text mentions, as a word or
 * the start of one, ignoring case ("I emailed you" names "email"; "on Telegram yesterday" names
 * "Telegram"). Core knows no channel: the names come from the inboxes the other contact used.
 *
 * @example
 * namesIn("I wrote on Telegram yesterday", ["telegram", "support-tg"]) // ["telegram"]
 */
export function namesIn(text: string, names: readonly string[]): string[] {
  const words = ` ${foldName(text)}`;
  return [...new Set(names)].filter((name) => {
    const folded = foldedChannelName(name);
    return folded.length >= 3 && words.includes(` ${folded}`);
  });
}

/** Channel and inbox names folded once each: every message's text is checked against the same few. */
const foldedChannelNames = new Map<string, string>();
const MAX_FOLDED_NAMES = 1000;
function foldedChannelName(name: string): string {
  let folded = foldedChannelNames.get(name);
  if (folded === undefined) {
    folded = foldName(name);
    if (foldedChannelNames.size >= MAX_FOLDED_NAMES) foldedChannelNames.clear();
    foldedChannelNames.set(name, folded);
  }
  return folded;
}
