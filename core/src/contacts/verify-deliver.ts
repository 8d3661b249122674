/**
 * How a verification's secrets reach the customer (issue 16.1): a 6-digit code and a one-click link
 * with a single-use token, sent together to the address or number being proved, from the first
 * running inbox whose channel reaches contacts by that field (`reachesBy`), so core names no
 * channel. Only hashes of the code and the token are stored; the message itself is not kept.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findContact } from "../store/contacts.ts";
import type { identityVerifications } from "../store/schema.ts";

/** What a verification proves: a contact field a channel can reach by. */
export type VerifyKind = "email" | "phone";
export type Verification = typeof identityVerifications.$inferSelect;

/** The public path of the one-click link; the token follows. */
export const VERIFY_LINK_PATH = "/verify";
/** A token as issued: 32 random bytes, base64url. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/u;

/** What a kind is called in what the customer and the agent read. */
export const KIND_NOUN: Record<VerifyKind, string> = { email: "email address", phone: "phone number" };

/** sha256 of the code salted with the verification's id. */
export const hashCode = (id: number, code: string) => createHash("sha256").update(`${id}:${code}`).digest("hex");
/** sha256 of a link token. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A fresh 6-digit code and link token. */
export function newSecrets(): { code: string; token: string } {
  return { code: String(randomInt(0, 1_000_000)).padStart(6, "0"), token: randomBytes(32).toString("base64url") };
}

/**
 * The inbox that sends secrets of this kind: the first running one whose channel reaches contacts by it.
 *
 * @example
 * senderFor(switchboard, "phone")?.name // "wa", when a WhatsApp Cloud inbox runs
 */
export function senderFor(sb: Pick<Services, "inboxes">, kind: VerifyKind) {
  return sb.inboxes.list().find((h) => h.adapter && h.state !== "failed" && h.adapter.reachesBy?.includes(kind));
}

/**
 * Throws a 409 that says what to configure when no inbox can send secrets of this kind.
 *
 * @example
 * requireSender(switchboard, "email");
 */
export function requireSender(sb: Pick<Services, "inboxes">, kind: VerifyKind) {
  const sender = senderFor(sb, kind);
  if (sender) return sender;
  throw new SwitchboardError(
    ErrorCodes.CONFLICT,
    kind === "email"
      ? "No inbox can send email, so there is nowhere to send a code from. Configure an email inbox, then ask again."
      : 'No inbox can reach a phone number, so there is nowhere to send a code from. Configure an inbox whose channel reaches contacts by phone (reachesBy "phone", such as WhatsApp Cloud), then ask again.',
  );
}

/** The one-click link for a token, under the server's public URL. */
export function linkFor(sb: Pick<Services, "loaded">, token: string): string {
  const server = sb.loaded.config.server;
  const base = (server.public_url ?? `http://localhost:${server.port}`).replace(/\/+$/u, "");
  return `${base}${VERIFY_LINK_PATH}/${token}`;
}

/**
 * Sends the code and the link to `value` from the inbox chosen by `reachesBy`, straight to the
 * address or number (no conversation message is stored for it).
 *
 * @example
 * await deliverSecrets(switchboard, row, "maria@lopez.example", newSecrets());
 */
export async function deliverSecrets(
  sb: Pick<Services, "inboxes" | "store" | "loaded">,
  row: Verification,
  value: string,
  secrets: { code: string; token: string },
): Promise<void> {
  const kind = row.kind as VerifyKind;
  const sender = senderFor(sb, kind);
  if (!sender?.adapter)
    throw new SwitchboardError(ErrorCodes.CONFLICT, `No inbox can reach a ${KIND_NOUN[kind]} any more; ask again once one runs.`);
  const contact = await findContact(sb.store.db, row.contactId);
  const link = linkFor(sb, secrets.token);
  await sender.adapter.send(
    {
      inbox: sender.name,
      channel: sender.channel,
      conversationId: row.conversationId,
      threadKey: null,
      contact: {
        id: row.contactId,
        externalId: undefined,
        name: contact?.name ?? null,
        email: kind === "email" ? value : null,
        phone: kind === "phone" ? value : null,
      },
      replyToExternalId: null,
    },
    {
      id: 0,
      text: `Your verification code is ${secrets.code}. Type it in the conversation where you were asked for it.\n\nOr confirm with one click:\n${link}\n\nBoth expire in 15 minutes. If you did not ask for this, ignore this message.`,
      html: null,
      attachments: [],
      agent: null,
      idempotencyKey: `verification-${row.id}`,
      attempt: 1,
    },
  );
}
