/**
 * The event payload of a stored message (message.created, message.updated): events describe what
 * the store holds, so this lives with the events, and the store knows nothing of them.
 */

import type { Conversation } from "../store/conversations.ts";
import { isAutomatedMessage, type Message } from "../store/messages.ts";
import type { ConversationState, MessageEventData, SwitchboardEvent, SwitchboardEvents } from "./types.ts";

/**
 * The event payload describing a stored message (for message.created and message.updated).
 *
 * @example
 * const data = { ...messageEventData(message), conversation: conversationState(conversation) };
 */
export function messageEventData(message: Message): MessageEventData {
  return {
    messageId: message.id,
    conversationId: message.conversationId,
    contactId: message.contactId,
    inbox: message.inbox,
    channel: message.channel,
    direction: message.direction,
    text: message.text,
    authorAgentId: message.authorAgentId,
    automated: isAutomatedMessage(message.metadata),
    createdAt: message.createdAt,
  };
}

/**
 * The `message.updated` payload of a stored message: its data and delivery status.
 *
 * @example
 * events.push(await bus.record(tx, "message.updated", messageUpdatedData(message)));
 */
export function messageUpdatedData(message: Message): SwitchboardEvents["message.updated"] {
  return { ...messageEventData(message), deliveryStatus: message.deliveryStatus, deliveryError: message.deliveryError };
}

/**
 * The part of a conversation row `message.created` carries.
 *
 * @example
 * events.push(await bus.record(tx, "message.created", { ...messageEventData(message), conversation: conversationState(conversation) }));
 */
export function conversationState(conversation: Conversation): ConversationState {
  const { id, contactId, inbox, channel, status, priority, assigneeId, teamId } = conversation;
  return { id, contactId, inbox, channel, status, priority, assigneeId, teamId };
}

/**
 * Whether an event is a message a customer wrote (`message.created`, incoming, not automated): what
 * starts SLA clocks and cancels scheduled replies.
 *
 * @example
 * const conversations = events.filter(isCustomerMessage).map((event) => event.data.conversationId);
 */
export function isCustomerMessage(event: SwitchboardEvent): event is SwitchboardEvent<"message.created"> {
  if (event.name !== "message.created") return false;
  const data = event.data as SwitchboardEvents["message.created"];
  return data.direction === "incoming" && !data.automated;
}
