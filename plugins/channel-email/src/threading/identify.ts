/**
 * The plugin's identify hook (core's "identify" stage, first answer wins). An email that answers
 * one of our replies (its In-Reply-To or References names our Message-ID) from the very address
 * that reply went to comes from that contact: only someone reading that mailbox knows the id,
 * which is salted and unguessable. The hook names that contact, and core records the sender's
 * address as the contact's email identity by its usual rules. This is how a webchat visitor who
 * left an unverified email, and answers our email, stays one contact. From any other address the
 * hook says nothing, and core matches the sender by identity as for any email.
 */
import type { IdentifyHook, InboundMessage } from "@switchboard/core";
import type { EmailInboxRegistry } from "./hook.ts";

/** At most this many header ids are looked up per email (a References list can be long). */
const MAX_LOOKUPS = 25;

/** The In-Reply-To ids, then the References ids newest first, as the adapter stored them in `metadata.email`. */
function answeredIds(message: InboundMessage): string[] {
  const email = message.metadata?.email as { inReplyTo?: unknown; references?: unknown } | undefined;
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : []);
  return [...new Set([...list(email?.inReplyTo), ...list(email?.references).reverse()])].slice(0, MAX_LOOKUPS);
}

/**
 * Creates the identify hook over the plugin's email inboxes.
 *
 * @example
 * ctx.identify(createIdentifyHook(inboxes));
 */
export function createIdentifyHook(inboxes: EmailInboxRegistry): IdentifyHook {
  return async function emailIdentifyHook({ message, inbox }) {
    const state = inboxes.get(inbox.name);
    const from = message.contact.email?.trim().toLowerCase();
    if (!state || !from || !message.contact.verified) return null;
    for (const id of answeredIds(message)) {
      const sent = (await state.index.message(id))?.to;
      if (sent && sent.address === from) return { contactId: sent.contact };
    }
    return null;
  };
}
