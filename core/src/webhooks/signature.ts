/**
 * HMAC signatures for the webhooks Switchboard sends: `X-Switchboard-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, "<t>.<raw body>"). Signing the timestamp with the body lets a
 * receiver refuse replays. WebCrypto only, so it runs anywhere.
 */

export const SIGNATURE_HEADER = "X-Switchboard-Signature";

const encoder = new TextEncoder();

async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
  return Buffer.from(signature).toString("hex");
}

/**
 * Compares two strings in time that does not depend on where they differ (for secrets and signatures).
 *
 * @example
 * if (!constantTimeEqual(given, expected)) return c.json({ error }, 401);
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

/**
 * Signs a webhook body. Returns the header value.
 *
 * @example
 * const header = await signWebhook(secret, JSON.stringify(body));
 * await fetch(url, { method: "POST", body: JSON.stringify(body), headers: { [SIGNATURE_HEADER]: header } });
 */
export async function signWebhook(secret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return `t=${timestampSeconds},v1=${await hmacHex(secret, `${timestampSeconds}.${body}`)}`;
}

/**
 * Checks a signature header against the raw body, in constant time, refusing timestamps older
 * (or newer) than `toleranceSeconds`. Returns a reason when it does not verify.
 *
 * @example
 * const check = await verifyWebhookSignature(secret, request.headers.get(SIGNATURE_HEADER), rawBody);
 * if (!check.ok) return new Response(check.reason, { status: 401 });
 */
export async function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  const parts = Object.fromEntries(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1)
    return { ok: false, reason: `malformed ${SIGNATURE_HEADER} header; expected "t=<seconds>,v1=<hex>"` };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300))
    return { ok: false, reason: "signature timestamp is outside the allowed window (replay?)" };
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  return constantTimeEqual(parts.v1, expected) ? { ok: true } : { ok: false, reason: "signature does not match" };
}
