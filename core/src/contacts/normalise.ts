/**
 * How identifiers are compared: emails trimmed and lower-cased, phones in E.164 (parsed with
 * libphonenumber-js, so "+1 (415) 555-0123" and "+14155550123" are the same number, and a national
 * number such as "030 1234567" needs a default region).
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * An email as stored and compared: trimmed, lower-case.
 *
 * @example
 * normaliseEmail("  Ann@Example.COM ") // "ann@example.com"
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone number in E.164, or undefined when it is not a possible number. Numbers without a
 * country code need `defaultRegion` (ISO 3166-1 alpha-2).
 *
 * @example
 * normalisePhone("+1 (415) 555-0123") // "+14155550123"
 * normalisePhone("030 1234567", "DE") // "+49301234567"
 * normalisePhone("555-1234")          // undefined
 */
export function normalisePhone(phone: string, defaultRegion?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), defaultRegion as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * Why a phone number was refused, for error messages.
 *
 * @example
 * phoneProblem("DE") // "expected an E.164 phone number such as +14155550123, or a national number of region DE"
 */
export function phoneProblem(defaultRegion?: string): string {
  return defaultRegion
    ? `expected an E.164 phone number such as +14155550123, or a national number of region ${defaultRegion}`
    : "expected an E.164 phone number such as +14155550123 (set identity.default_phone_region to accept national numbers)";
}

/**
 * The domain of an email ("ann@example.com" → "example.com"), or undefined.
 *
 * @example
 * emailDomain("ann@Example.com") // "example.com"
 */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  return at > 0 ? normaliseEmail(email.slice(at + 1)) || undefined : undefined;
}
