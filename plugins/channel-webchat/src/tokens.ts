/**
 * Visitor tokens and identity hashes, with WebCrypto HMAC-SHA256.
 *
 * A visitor token is `v1.<base64url JSON claims>.<base64url HMAC>`, signed with a key derived from
 * the inbox secret (so a token never doubles as an identifier hash). It names the inbox and the
 * visitor, and expires. A site that knows its user signs the user's identifier itself:
 * `identifier_hash = hex(HMAC-SHA256(secret, identifier))`, checked here in constant time.
 */
import { ErrorCodes, SwitchboardError } from "@switchboard/core";

/** What a visitor token says. */
export interface VisitorClaims {
  /** The inbox the token is for; a token of another inbox is refused. */
  inbox: string;
  /** The visitor's id: "a_<random>" (anonymous) or "u_<hash of the identifier>" (identified). */
  visitorId: string;
  /** The identifier the site vouched for (identified visitors only). */
  identifier?: string;
  /** Milliseconds since epoch. */
  expiresAt: number;
}

/** The two keys of one inbox: one signs tokens, one checks identifier hashes. */
export interface InboxKeys {
  token: CryptoKey;
  identifier: CryptoKey;
}

const encoder = new TextEncoder();
const TOKEN_KEY_LABEL = "switchboard-webchat-visitor-token-v1";

async function hmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/**
 * Derives an inbox's keys from its secret.
 *
 * @example
 * const keys = await inboxKeys(options.secret);
 */
export async function inboxKeys(secret: string): Promise<InboxKeys> {
  const identifier = await hmacKey(encoder.encode(secret));
  const derived = await crypto.subtle.sign("HMAC", identifier, encoder.encode(TOKEN_KEY_LABEL));
  return { token: await hmacKey(derived), identifier };
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "base64url"));
}

function unauthorized(reason: string, message: string): SwitchboardError {
  return new SwitchboardError(ErrorCodes.UNAUTHORIZED, message, { status: 401, reason });
}

/**
 * A new random anonymous visitor id.
 *
 * @example
 * newAnonymousId(); // "a_Qm9vW2…"
 */
export function newAnonymousId(): string {
  return `a_${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/**
 * The visitor id of an identified user: stable for the identifier, and never the identifier itself.
 *
 * @example
 * await identifiedId("grace@example.com"); // "u_…"
 */
export async function identifiedId(identifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(identifier)));
  return `u_${toBase64Url(digest).slice(0, 32)}`;
}

/**
 * Signs a visitor token.
 *
 * @example
 * const token = await signVisitorToken(keys.token, { inbox: "site", visitorId: newAnonymousId(), expiresAt: Date.now() + 86_400_000 });
 */
export async function signVisitorToken(key: CryptoKey, claims: VisitorClaims): Promise<string> {
  const body = toBase64Url(
    encoder.encode(JSON.stringify({ i: claims.inbox, v: claims.visitorId, u: claims.identifier, e: claims.expiresAt })),
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`v1.${body}`)));
  return `v1.${body}.${toBase64Url(signature)}`;
}

/**
 * Checks a visitor token: its signature, its inbox and its expiry. Throws SWB_ERR_UNAUTHORIZED
 * (status 401) with `details.reason` "token_invalid", "token_other_inbox" or "token_expired".
 *
 * @example
 * const claims = await verifyVisitorToken(keys.token, bearer, "site", Date.now());
 */
export async function verifyVisitorToken(key: CryptoKey, token: string, inbox: string, now: number): Promise<VisitorClaims> {
  const invalid = () =>
    unauthorized(
      "token_invalid",
      "The visitor token is not valid. Start a new session with POST /session (the widget does this by itself).",
    );
  const [version, body, signature, ...rest] = token.split(".");
  if (version !== "v1" || !body || !signature || rest.length > 0) throw invalid();
  const signatureBytes = fromBase64Url(signature);
  if (!signatureBytes || !(await crypto.subtle.verify("HMAC", key, signatureBytes, encoder.encode(`v1.${body}`)))) throw invalid();
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { i?: unknown; v?: unknown; u?: unknown; e?: unknown };
  if (typeof claims.i !== "string" || typeof claims.v !== "string" || typeof claims.e !== "number") throw invalid();
  if (claims.i !== inbox) throw unauthorized("token_other_inbox", `This visitor token belongs to the inbox "${claims.i}", not "${inbox}".`);
  if (claims.e <= now) throw unauthorized("token_expired", "The visitor token has expired. Start a new session with POST /session.");
  return { inbox: claims.i, visitorId: claims.v, identifier: typeof claims.u === "string" ? claims.u : undefined, expiresAt: claims.e };
}

/**
 * The `identifier_hash` a site computes on its server for a signed-in user.
 *
 * @example
 * await identifierHash("shop-secret-0123456789", "grace@example.com"); // "3f1c…" (64 hex digits)
 */
export async function identifierHash(secret: string, identifier: string): Promise<string> {
  const key = await hmacKey(encoder.encode(secret));
  return Buffer.from(await crypto.subtle.sign("HMAC", key, encoder.encode(identifier))).toString("hex");
}

/**
 * Checks an `identifier_hash` in constant time. Throws SWB_ERR_UNAUTHORIZED (401) with the reason
 * "identifier_hash_invalid" when it does not match.
 *
 * @example
 * await verifyIdentifierHash(keys.identifier, "grace@example.com", hashFromTheSite);
 */
export async function verifyIdentifierHash(key: CryptoKey, identifier: string, hash: string): Promise<void> {
  const bytes = /^[0-9a-fA-F]{64}$/.test(hash) ? new Uint8Array(Buffer.from(hash, "hex")) : undefined;
  if (!bytes || !(await crypto.subtle.verify("HMAC", key, bytes, encoder.encode(identifier)))) {
    throw unauthorized(
      "identifier_hash_invalid",
      "identifier_hash does not match identifier. Compute it on your server as hex(HMAC-SHA256(inbox secret, identifier)) and pass both unchanged.",
    );
  }
}
