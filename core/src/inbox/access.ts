/**
 * Loading a conversation for an agent: one they may not see answers 404, exactly like one that
 * does not exist, so nobody learns which ids exist in other teams' inboxes.
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import type { Switchboard } from "../switchboard.ts";

export async function visibleConversation(sb: Switchboard, id: number, visible: string[]): Promise<{ conversation: Conversation; contact: Contact }> {
  const conversation = Number.isSafeInteger(id) ? await findConversation(sb.store.db, id) : undefined;
  const contact = conversation && visible.includes(conversation.inbox) ? await findContact(sb.store.db, conversation.contactId) : undefined;
  if (!conversation || !contact) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist.`);
  return { conversation, contact };
}
