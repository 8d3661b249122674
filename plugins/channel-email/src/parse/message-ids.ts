/**
 * Message-ID and subject normalisation for threading. mailparser hands `References` as a string
 * (one id) or an array (several), and `In-Reply-To` as a string that may hold several ids; both
 * become a clean list of ids without angle brackets. Subjects lose their reply/forward prefixes.
 */

/** The longest id kept; longer tokens are junk, not Message-IDs. */
const MAX_ID_LENGTH = 500;

/**
 * Every Message-ID in a header value, without angle brackets, in order, each once.
 * Accepts what mailparser gives: undefined, a string with one or several ids, or an array of them.
 *
 * @example
 * parseMessageIds("<a@x> <b@x>");           // ["a@x", "b@x"]
 * parseMessageIds(["<a@x>", "<b@x> <a@x>"]); // ["a@x", "b@x"]
 * parseMessageIds("bare@id");                // ["bare@id"]
 */
export function parseMessageIds(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const ids: string[] = [];
  for (const part of parts) {
    if (typeof part !== "string") continue;
    const bracketed = [...part.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
    const tokens = bracketed.length > 0 ? bracketed : part.split(/[\s,]+/).filter((t) => t.includes("@"));
    for (const token of tokens) {
      const id = token.trim();
      if (id && id.length <= MAX_ID_LENGTH && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/**
 * Formats an id for a header: `<id>`.
 *
 * @example
 * bracket("a@x"); // "<a@x>"
 */
export function bracket(id: string): string {
  return `<${id}>`;
}

/**
 * Reply and forward prefixes in the languages support mail commonly arrives in. A leading "[tag]"
 * such as "[EXTERNAL]" or "[Ticket #12]" is kept: it may be what tells threads apart.
 */
const PREFIX = /^\s*(?:re|fwd?|aw|sv|wg|vs|antw|tr|rif|res|enc|odp|ynt|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

/**
 * A subject without reply/forward prefixes (Re:, Fwd:, AW:, SV:, WG:, RE[2]: ...), whitespace collapsed.
 *
 * @example
 * stripSubjectPrefixes("AW: Re:  Fwd: Invoice 42"); // "Invoice 42"
 */
export function stripSubjectPrefixes(subject: string): string {
  let rest = subject.replace(/\s+/g, " ").trim();
  for (let guard = 0; guard < 20; guard++) {
    const next = rest.replace(PREFIX, "");
    if (next === rest) break;
    rest = next.trim();
  }
  return rest;
}

/**
 * The key two subjects match on for the subject fallback: prefixes stripped, lower-cased.
 * Empty for a subject with no words left, which never matches.
 *
 * @example
 * subjectKey("SV: Order #42 "); // "order #42"
 */
export function subjectKey(subject: string | undefined): string {
  return stripSubjectPrefixes(subject ?? "").toLowerCase();
}
