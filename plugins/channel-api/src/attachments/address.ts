/**
 * Which IP addresses an attachment download may connect to: only public unicast ones. ipaddr.js
 * names the range of an address (loopback, private, linkLocal, uniqueLocal, carrierGradeNat,
 * reserved, multicast, IPv4-mapped IPv6, 6to4, Teredo...); everything but `unicast` is refused, so
 * a URL sent by an integration can never reach this machine or its private network.
 */
import ipaddr from "ipaddr.js";

/**
 * Why `address` may not be connected to, or `null` when it is a public unicast address.
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
 *
 * @example
 * forbiddenAddress("93.184.215.14"); // null
 * forbiddenAddress("::ffff:10.0.0.1"); // "10.0.0.1 is a private address"
 */
export function forbiddenAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(bare)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(bare);
  const range = parsed.range();
  return range === "unicast" ? null : `${parsed.toString()} is a ${range} address`;
}

/** True when `host` (a URL's hostname, IPv6 in brackets or not) is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ""));
}
