/**
 * X-Hub-Signature-256: Meta signs every webhook POST with HMAC-SHA256(app secret, raw body) and
 * sends `sha256=<hex>`. Checked over the raw bytes (Meta signs its own serialisation, with
 * non-ASCII escaped as \uXXXX), never over re-serialised JSON. WebCrypto's `verify` compares in
 * constant time.
 */

/** The header Meta signs webhook POSTs with. */
export const META_SIGNATURE_HEADER = "X-Hub-Signature-256";

const encoder = new TextEncoder();

async function hmacKey(appSecret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * Checks `X-Hub-Signature-256` against the raw body. Returns a reason when it does not verify.
 *
 * @example
 * const raw = new Uint8Array(await c.req.arrayBuffer());
 * const check = await verifyMetaSignature(appSecret, c.req.header(META_SIGNATURE_HEADER), raw);
 * if (!check.ok) return c.json({ error: check.reason }, 401);
 */
export async function verifyMetaSignature(
  appSecret: string,
  header: string | null | undefined,
  rawBody: Uint8Array<ArrayBuffer>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!header) return { ok: false, reason: `the ${META_SIGNATURE_HEADER} header is missing` };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return { ok: false, reason: `the ${META_SIGNATURE_HEADER} header is not "sha256=<64 hex digits>"` };
  const signature = Uint8Array.from(Buffer.from(match[1]!, "hex"));
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(appSecret, "verify"), signature, rawBody);
  return valid ? { ok: true } : { ok: false, reason: `the ${META_SIGNATURE_HEADER} signature does not match the body and the app secret` };
}

/**
 * Signs a body as Meta does: the `X-Hub-Signature-256` header value for it (for fakes and tests).
 *
 * @example
 * const body = metaJson(payload);
 * await fetch(url, { method: "POST", body, headers: { [META_SIGNATURE_HEADER]: await signMetaBody(appSecret, body) } });
 */
export async function signMetaBody(appSecret: string, body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : new Uint8Array(body);
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(appSecret, "sign"), bytes);
  return `sha256=${Buffer.from(signature).toString("hex")}`;
}

/**
 * Serialises JSON the way Meta does for webhooks: every non-ASCII character escaped as \uXXXX
 * ("é" → "\u00e9", an emoji → its surrogate pair), "/" as "\/". A body signed from this and parsed
 * back equals the payload, but its bytes differ from `JSON.stringify`'s: a receiver that
 * re-serialises before checking fails.
 *
 * @example
 * metaJson({ text: "olá 👋" }); // '{"text":"ol\\u00e1 \\ud83d\\udc4b"}'
 */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}
