/**
 * The event payload of a stored message (message.created, message.updated): events describe what
 * the store holds, so this lives with the events, and the store knows nothing of them.
 */
import { isAutomatedMessage, type Message } from "../store/messages.ts";
import type { MessageEventData } from "./types.ts";

/**
 * The event payload describing a stored message (for message.created and message.updated).
 *
 * @example
 * bus.publish("message.created", messageEventData(message));
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
