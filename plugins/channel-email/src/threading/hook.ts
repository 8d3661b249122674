/**
 * The plugin's thread hook (core's "thread" stage). Core already joins a message to the open
 * conversation of this inbox with the same `threadKey`, and starts a new one when that conversation
 * is resolved. This hook adds two things for replies matched by In-Reply-To/References:
 *   - the "reopen" policy: a reply to a resolved conversation rejoins it (core then sets it open);
 *   - replies to an email we sent in a conversation of another inbox (a webchat visitor answered by
 *     email) join that conversation, so the customer has one timeline. A resolved one is reopened
 *     only with "reopen"; with "new", core starts a conversation here (linked to it by its
 *     identity.cross_channel rule).
 * Subject-only matches and auto-replies never reopen anything.
 */
import type { ConversationActions, InboundMessage, ThreadHook } from "@switchboard/core";
import type { EmailInboxOptions } from "../options.ts";
import type { ThreadIndex } from "./thread-index.ts";

/** What the hooks need to know about each email inbox. */
export interface EmailInboxRegistry {
  get(inbox: string): { options: EmailInboxOptions; index: ThreadIndex } | undefined;
}

/** The threading facts the adapter writes into `metadata.email.threading`. */
function threadingOf(message: InboundMessage): { by?: string; matched?: string } {
  const email = message.metadata?.email;
  if (!email || typeof email !== "object") return {};
  const threading = (email as { threading?: unknown }).threading;
  return threading && typeof threading === "object" ? (threading as { by?: string; matched?: string }) : {};
}

/**
 * Creates the thread hook over the plugin's email inboxes.
 *
 * @example
 * ctx.thread(createThreadHook(inboxes, ctx.conversations));
 */
export function createThreadHook(inboxes: EmailInboxRegistry, conversations: Pick<ConversationActions, "get">): ThreadHook {
  return async function emailThreadHook({ message, inbox }) {
    const state = inboxes.get(inbox.name);
    if (!state || !message.threadKey) return null;
    const { by, matched } = threadingOf(message);
    if (by !== "in-reply-to" && by !== "references") return null;
    // The thread's latest conversation; for the first answer to a reply we sent, the conversation of that reply.
    const conversationId =
      (await state.index.threadConversation(message.threadKey)) ?? (matched ? (await state.index.message(matched))?.c : undefined);
    if (conversationId === undefined) return null;
    const autoReply = message.metadata?.autoReply === true;
    if (state.options.threading.resolved === "reopen" && !autoReply) return { conversationId };
    const conversation = await conversations.get(conversationId);
    return conversation && conversation.inbox !== inbox.name && conversation.status !== "resolved" ? { conversationId } : null;
  };
}
