/**
 * The plugin's thread hook (core's "thread" stage). Core already joins a message to the open
 * conversation with the same `threadKey`, and starts a new one when that conversation is resolved.
 * This hook adds the "reopen" policy: a reply matched by In-Reply-To/References to a resolved
 * conversation rejoins it (core then sets it open). Subject-only matches and auto-replies never
 * reopen anything.
 */
import type { InboundMessage, ThreadHook } from "@switchboard/core";
import type { EmailInboxOptions } from "../options.ts";
import type { ThreadIndex } from "./thread-index.ts";

/** What the hook needs to know about each email inbox. */
export interface EmailInboxRegistry {
  get(inbox: string): { options: EmailInboxOptions; index: ThreadIndex } | undefined;
}

/** The threading facts the adapter writes into `metadata.email.threading`. */
function threadingOf(message: InboundMessage): { by?: string } {
  const email = message.metadata?.email;
  if (!email || typeof email !== "object") return {};
  const threading = (email as { threading?: unknown }).threading;
  return threading && typeof threading === "object" ? (threading as { by?: string }) : {};
}

/**
 * Creates the thread hook over the plugin's email inboxes.
 *
 * @example
 * ctx.thread(createThreadHook(inboxes));
 */
export function createThreadHook(inboxes: EmailInboxRegistry): ThreadHook {
  return async function emailThreadHook({ message, inbox }) {
    const state = inboxes.get(inbox.name);
    if (!state || state.options.threading.resolved !== "reopen" || !message.threadKey) return null;
    if (message.metadata?.autoReply === true) return null;
    const { by } = threadingOf(message);
    if (by !== "in-reply-to" && by !== "references") return null;
    const conversationId = await state.index.threadConversation(message.threadKey);
    return conversationId === undefined ? null : { conversationId };
  };
}
