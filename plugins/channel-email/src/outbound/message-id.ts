/**
 * Message-IDs of outgoing replies, derived from the message's idempotency key: a retry of the
 * same reply (even after a crash) carries the same Message-ID. A secret salt kept per inbox makes
 * the ids unguessable and unique across installations and database resets.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { KeyValueStore } from "@switchboard/core";

const SALT_KEY = "message-id-salt";

/**
 * The Message-ID (without brackets) of the outgoing message with this idempotency key.
 *
 * @example
 * outgoingMessageId("swb-msg-42", "s3cr3t", "support@acme.com"); // "swb-msg-42.Zq3V0b1xk2pT9wYc@acme.com"
 */
export function outgoingMessageId(idempotencyKey: string, salt: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1);
  const local = idempotencyKey.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, "-");
  const digest = createHmac("sha256", salt).update(idempotencyKey).digest("base64url").slice(0, 16);
  return `${local}.${digest}@${domain}`;
}

/**
 * Reads the inbox's salt, creating it on first use. Memoise the promise per adapter.
 *
 * @example
 * const salt = await messageIdSalt(inbox.kv);
 */
export async function messageIdSalt(kv: KeyValueStore): Promise<string> {
  const existing = await kv.get<string>(SALT_KEY);
  if (typeof existing === "string" && existing.length > 0) return existing;
  const salt = randomBytes(24).toString("base64url");
  await kv.set(SALT_KEY, salt);
  return salt;
}
