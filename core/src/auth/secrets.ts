/**
 * Random secrets and their hashes, shared by API tokens and inbox sessions: tokens are 32 random
 * bytes in base64url; only their SHA-256 is stored.
 */

/**
 * A new random token: `prefix` + 32 random bytes in base64url.
 *
 * @example
 * randomToken("swb_"); // "swb_x3…"
 */
export function randomToken(prefix = ""): string {
  return prefix + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/**
 * The SHA-256 of a string, in hex: what the store keeps instead of a token.
 *
 * @example
 * await sha256Hex("swb_abc"); // "5e3…"
 */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Buffer.from(digest).toString("hex");
}
