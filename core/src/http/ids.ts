/**
 * Ids in URLs, one rule for the inbox and the REST API: a positive whole number written in digits
 * ("42"), no larger than Number.MAX_SAFE_INTEGER. Anything else ("0x10", "1e1", " 10", "-1",
 * "Infinity", 400 digits) names nothing: it is never read as some other id, and never reaches the
 * database as Infinity or NaN.
 */

/** Digits only, no leading zero, at most 16 of them (the safe-integer check does the rest). */
export const ID_PATTERN = /^[1-9][0-9]{0,15}$/;

/** What a valid id looks like, for error messages. */
export const ID_RULE = "an id is a positive whole number written in digits, like 42";

/**
 * The id a string names, or undefined when it is no id.
 *
 * @example
 * parseId("42"); // 42
 * parseId("0x10"); // undefined
 * parseId(c.req.query("selected")); // undefined when absent
 */
export function parseId(raw: string | undefined): number | undefined {
  if (raw === undefined || !ID_PATTERN.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}
