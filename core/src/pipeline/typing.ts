/**
 * Typing indicators from channels: the customer's identity on the inbox's channel (in its scope) points to their
 * latest open conversation in that inbox, and a "typing" event goes to the agents watching it.
 */

import { identityScopeOf } from "../contacts/identity-scope.ts";
import type { EventBus } from "../events/bus.ts";
import type { InboxInfo } from "../plugins/types.ts";
import { findContactByIdentity } from "../store/contacts.ts";
import { latestConversationFor } from "../store/conversations.ts";
import type { Store } from "../store/index.ts";

/** Publishes that a customer is typing in their open conversation of `inbox`, if they have one. */
export async function reportCustomerTyping(
  deps: { store: Store; bus: EventBus },
  inbox: InboxInfo,
  who: { contactExternalId: string; threadKey?: string },
): Promise<void> {
  const contact = await findContactByIdentity(deps.store.db, inbox.channel, who.contactExternalId, identityScopeOf(inbox));
  if (!contact && !who.threadKey) return;
  const conversation = await latestConversationFor(deps.store.db, {
    inbox: inbox.name,
    threadKey: who.threadKey,
    contactId: contact?.id ?? null,
  });
  if (!conversation || conversation.status === "resolved") return;
  await deps.bus.publish("typing", { conversationId: conversation.id, who: "contact" });
}
