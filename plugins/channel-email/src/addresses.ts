/**
 * Which addresses are this inbox: its own address, and the addresses and domains its inbound SMTP
 * server accepts. Used to answer 550 to other recipients, and to never CC the inbox on its replies.
 * Also which sender addresses are usable as an email identity.
 */
import { z } from "zod";

/**
 * A matcher over "user@domain" entries and whole domains ("domain" or "@domain"), case-insensitive.
 *
 * @example
 * const isOurs = addressMatcher(["support@acme.com", "@help.acme.com"]);
 * isOurs("Support@ACME.com"); // true
 * isOurs("x@help.acme.com");  // true
 * isOurs("x@acme.com");       // false
 */
export function addressMatcher(entries: string[]): (address: string) => boolean {
  const addresses = new Set<string>();
  const domains = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry.startsWith("@")) domains.add(entry.slice(1));
    else if (entry.includes("@")) addresses.add(entry);
    else domains.add(entry);
  }
  return (address) => {
    const normalised = address.trim().toLowerCase();
    if (addresses.has(normalised)) return true;
    const at = normalised.lastIndexOf("@");
    return at > 0 && domains.has(normalised.slice(at + 1));
  };
}

const usable = z.email();

/**
 * True when `address` is one core accepts as an email identity and replies can be sent to (the
 * same check core's inbound schema makes). Quoted local parts, internationalised addresses,
 * domains without a dot, bare names and bang paths are not.
 *
 * @example
 * isUsableAddress("bob@example.com"); // true
 * isUsableAddress("guest@localhost"); // false
 * isUsableAddress("jdöe@mächine.example"); // false
 */
export function isUsableAddress(address: string): boolean {
  return usable.safeParse(address.trim().toLowerCase()).success;
}
