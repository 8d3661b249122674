/**
 * Whether a string names a time zone: a leaf module (it imports nothing), so the config can check
 * `timezone = "..."` without depending on the business-hours arithmetic.
 */

/**
 * Whether `timeZone` is an IANA zone name this runtime knows.
 *
 * @example
 * isTimeZone("Europe/Berlin"); // true
 * isTimeZone("Mars/Olympus"); // false
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}
