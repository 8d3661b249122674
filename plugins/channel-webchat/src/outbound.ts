/**
 * From core to the visitor: an agent's reply is appended to the visitor's log (so a later
 * connection catches up on it) and pushed at once to every open connection of theirs. A retried
 * send of the same message is recognised by its id and never appended twice. Also: the agent's
 * typing indicator (every process hears it and tells the widgets it holds), and the "resolved" line
 * that asks for a rating (written by one process, once per event, and pushed to every process).
 */
import { DeliveryError, type OutboundMessage, type OutboundTarget, type SendResult } from "@switchboard/core";
import type { EntryAttachment, StoredFile } from "./history.ts";
import { visitorIdOf, type WebchatInbox } from "./inbox.ts";

/** The channel's id of a sent message (what reportDelivery uses). */
export const outgoingExternalId = (messageId: number) => `webchat-out-${messageId}`;

async function visitorFor(inbox: WebchatInbox, target: OutboundTarget): Promise<string> {
  const owner = (await inbox.history.owner(target.conversationId)) ?? (await visitorIdOf(target.contact.externalId));
  if (!owner) {
    throw new DeliveryError(
      `Conversation ${target.conversationId} has no webchat visitor in the inbox "${inbox.name}", so the reply cannot reach anyone. Reply on another channel the contact has.`,
      { retryable: false },
    );
  }
  return owner;
}

/** The reply's files as listed to the visitor, and their bytes by the same index (none for URL-only files). */
function filesOf(message: OutboundMessage): { listed: EntryAttachment[]; stored: (StoredFile | undefined)[] } {
  const usable = message.attachments.filter((a) => a.data || (a.url && /^https?:\/\//.test(a.url)));
  return {
    listed: usable.map((a, index) => ({
      index,
      filename: a.filename,
      content_type: a.contentType,
      size: a.size,
      ...(a.data ? {} : { url: a.url! }),
    })),
    stored: usable.map((a) => (a.data ? { filename: a.filename, contentType: a.contentType, data: a.data } : undefined)),
  };
}

/**
 * The adapter's `send`: stores the reply for the visitor and pushes it live.
 *
 * @example
 * adapter.send = (target, message) => deliver(inbox, target, message);
 */
export async function deliver(inbox: WebchatInbox, target: OutboundTarget, message: OutboundMessage): Promise<SendResult> {
  const visitorId = await visitorFor(inbox, target);
  const id = `a-${message.id}`;
  const externalId = outgoingExternalId(message.id);
  if (message.attempt > 1 && (await inbox.history.find(visitorId, id))) return { externalId };
  const { listed, stored } = filesOf(message);
  const entry = await inbox.history.append(
    visitorId,
    {
      id,
      conversation_id: target.conversationId,
      author: "agent",
      kind: "text",
      text: message.text,
      attachments: listed,
      at: Date.now(),
      ...(inbox.options.show_agent_names && message.agent ? { agent_name: message.agent.name } : {}),
    },
    stored,
  );
  await inbox.history.own(visitorId, target.conversationId, target.contact.id);
  inbox.hub.push(visitorId, { event: "message", entry });
  return { externalId };
}

/**
 * A conversation of this inbox was resolved (by the event `eventId`): adds the "resolved" line
 * (asking for a rating when CSAT is on), once per event even when the event comes again.
 *
 * @example
 * ctx.consume("resolved", { "conversation.status_changed": (e) => conversationResolved(inbox, e.data.conversationId, e.id) });
 */
export async function conversationResolved(inbox: WebchatInbox, conversationId: number, eventId: string): Promise<void> {
  const visitorId = await inbox.history.owner(conversationId);
  if (!visitorId) return;
  const id = `s-resolved-${conversationId}-${eventId}`;
  if (await inbox.history.find(visitorId, id)) return;
  const csat = inbox.options.csat && !(await inbox.csat.get(conversationId));
  const entry = await inbox.history.append(visitorId, {
    id,
    conversation_id: conversationId,
    author: "system",
    kind: "resolved",
    text: "",
    csat,
    attachments: [],
    at: Date.now(),
  });
  inbox.hub.push(visitorId, { event: "message", entry });
}

/** An agent is typing in a conversation: tells the visitor's open widgets held by this process (each process hears the event). */
export async function agentTyping(inbox: WebchatInbox, conversationId: number): Promise<void> {
  const visitorId = await inbox.history.owner(conversationId);
  if (visitorId) inbox.hub.pushHere(visitorId, { event: "typing", who: "agent" });
}
