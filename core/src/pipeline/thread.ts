/**
 * The thread stage's core part: which conversation an arriving message joins. The channel thread (or
 * the contact's latest conversation in this inbox) when it is not resolved; otherwise, by the
 * identity.cross_channel policy, the contact's open or recent conversation in another inbox: "join"
 * adds the message to it, "link" starts a new conversation linked to it.
 */
import { conversationElsewhere } from "../contacts/cross-channel.ts";
import type { InboundMessage, InboxInfo } from "../plugins/types.ts";
import { type Conversation, latestConversationFor } from "../store/conversations.ts";
import type { Queryable } from "../store/index.ts";

export interface ThreadPolicy {
  crossChannel: "link" | "join" | "off";
  /** How recent another inbox's resolved conversation must be to count (ms). */
  windowMs: number;
}

/**
 * The conversation to join, or (for a new one) the conversation to link it to.
 *
 * @example
 * const { conversation, linkTo } = await threadFor(tx, inbox, message, contactId, now, { crossChannel: "link", windowMs: 72 * 3_600_000 });
 */
export async function threadFor(
  db: Queryable,
  inbox: InboxInfo,
  message: InboundMessage,
  contactId: number | null,
  now: number,
  policy: ThreadPolicy,
): Promise<{ conversation?: Conversation; linkTo?: number }> {
  const latest = await latestConversationFor(db, { inbox: inbox.name, threadKey: message.threadKey, contactId });
  if (latest && latest.status !== "resolved") return { conversation: latest };
  if (contactId === null || policy.crossChannel === "off") return {};
  const elsewhere = await conversationElsewhere(db, contactId, inbox.name, now, policy.windowMs);
  if (!elsewhere) return {};
  return policy.crossChannel === "join" ? { conversation: elsewhere } : { linkTo: elsewhere.id };
}
