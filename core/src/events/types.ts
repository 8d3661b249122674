/**
 * The domain events core publishes. Plugins may add their own by augmenting `SwitchboardEvents`:
 *
 * @example
 * declare module "@switchboard/core" {
 *   interface SwitchboardEvents { "sla.breached": { conversationId: number; target: string } }
 * }
 */
import type { DeliveryStatus, MessageDirection } from "../store/schema.ts";

export interface MessageEventData {
  messageId: number;
  conversationId: number;
  contactId: number;
  inbox: string;
  channel: string;
  direction: MessageDirection;
  text: string;
  authorAgentId: number | null;
  createdAt: number;
}

export interface SwitchboardEvents {
  "message.created": MessageEventData;
  "message.updated": MessageEventData & { deliveryStatus: DeliveryStatus; deliveryError: string | null };
  "conversation.created": { conversationId: number; contactId: number; inbox: string; channel: string };
  "conversation.status_changed": { conversationId: number; from: string; to: string; actor: string };
  "conversation.assigned": { conversationId: number; assigneeId: number | null; teamId: number | null; actor: string };
  "conversation.merged": { sourceId: number; targetId: number; actor: string };
  "contact.created": { contactId: number };
  "contact.merged": { survivorId: number; mergedId: number; actor: string };
  "contact.unmerged": { survivorId: number; restoredId: number; actor: string };
  "typing": { conversationId: number; who: "contact" | "agent"; agentId?: number };
}

export type EventName = keyof SwitchboardEvents & string;

/** One published event, as handlers, SSE clients and webhooks see it. */
export interface SwitchboardEvent<N extends EventName = EventName> {
  /** A unique id (increasing within one process). */
  id: string;
  name: N;
  data: SwitchboardEvents[N];
  at: number;
}
