/**
 * What an open inbox page is told to notify its agent of (static/notify.js shows it as a browser
 * notification, with an optional sound): a conversation assigned to them by someone else, a
 * customer's reply in a conversation assigned to them, an SLA warning on one of theirs, and an
 * @mention in a note. Sent on the page's stream as the SSE event "notify" with JSON data.
 */
import type { SwitchboardEvent } from "../events/types.ts";
import type { Conversation } from "../store/conversations.ts";

export interface Notification {
  title: string;
  body: string;
  /** The conversation to open when the notification is clicked. */
  url: string;
  /** Notifications with the same tag replace each other (one per conversation and kind). */
  tag: string;
}

const TARGETS = { first_response: "first response", next_response: "next response", resolution: "resolution" } as const;

/**
 * The notification an event means for agent `self`, if any.
 *
 * @example
 * const note = notificationFor(event, conversation, session.agent.id);
 * if (note) send("notify", JSON.stringify(note));
 */
export function notificationFor(event: SwitchboardEvent, conversation: Conversation, self: number): Notification | undefined {
  const url = `/inbox/conversations/${conversation.id}`;
  const at = (kind: string, title: string, body: string): Notification => ({ title, body, url, tag: `${kind}-${conversation.id}` });
  switch (event.name) {
    case "conversation.assigned": {
      const data = event.data as SwitchboardEvent<"conversation.assigned">["data"];
      if (data.assigneeId !== self || data.actor === `agent:${self}`) return undefined;
      return at("assigned", "Assigned to you", `Conversation #${conversation.id} (${conversation.channel})`);
    }
    case "message.created": {
      const data = event.data as SwitchboardEvent<"message.created">["data"];
      if (data.direction !== "incoming" || data.automated || data.conversation.assigneeId !== self) return undefined;
      return at("reply", `Customer reply in #${conversation.id}`, data.text.slice(0, 140));
    }
    case "sla.warning": {
      const data = event.data as SwitchboardEvent<"sla.warning">["data"];
      if (conversation.assigneeId !== self) return undefined;
      return at("sla", `SLA warning on #${conversation.id}`, `The ${TARGETS[data.target]} is due soon.`);
    }
    case "agent.mentioned": {
      const data = event.data as SwitchboardEvent<"agent.mentioned">["data"];
      if (data.agentId !== self) return undefined;
      return at("mention", "You were mentioned", `In a note on conversation #${conversation.id}`);
    }
    default:
      return undefined;
  }
}
