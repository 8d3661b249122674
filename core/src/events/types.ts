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
  /** A machine wrote it (an auto-reply or a bot, see `isAutomatedMessage`): it starts no SLA clock and gets no automated answer. */
  automated: boolean;
  createdAt: number;
}

/** The conversation a message belongs to, as it stood once the message was stored. */
export interface ConversationState {
  id: number;
  contactId: number;
  inbox: string;
  channel: string;
  status: "open" | "pending" | "snoozed" | "resolved";
  priority: "none" | "low" | "medium" | "high" | "urgent";
  assigneeId: number | null;
  teamId: number | null;
}

export interface SwitchboardEvents {
  /** A message was stored; `conversation` is its conversation right after, so handlers need not read it back. */
  "message.created": MessageEventData & { conversation: ConversationState };
  "message.updated": MessageEventData & { deliveryStatus: DeliveryStatus; deliveryError: string | null };
  "conversation.created": { conversationId: number; contactId: number; inbox: string; channel: string };
  "conversation.status_changed": { conversationId: number; from: string; to: string; actor: string };
  "conversation.assigned": { conversationId: number; assigneeId: number | null; teamId: number | null; actor: string };
  /** A conversation was merged into another (not a resolution: no survey, no follow-up). `moveId` undoes it. */
  "conversation.merged": { sourceId: number; targetId: number; actor: string; moveId: number };
  /** A conversation merge was undone: `sourceId` is back with its messages. */
  "conversation.unmerged": { sourceId: number; targetId: number; actor: string; moveId: number };
  "contact.created": { contactId: number };
  "contact.merged": { survivorId: number; mergedId: number; actor: string; mergeId: number };
  "contact.unmerged": { survivorId: number; restoredId: number; actor: string; mergeId: number };
  /** Enrichment plugins stored facts on the contact (`attributes.enrichment.<plugin>`). */
  "contact.enriched": { contactId: number; plugins: string[] };
  /** The contact and all their messages were erased (GDPR); plugins should forget what they keep about them. */
  "contact.erased": { contactId: number; actor: string };
  /** Someone is typing in a conversation; with `viewing`, an agent has it open (the inbox's presence line). Never logged. */
  "typing": { conversationId: number; who: "contact" | "agent"; agentId?: number; viewing?: boolean };
  "agent.availability_changed": { agentId: number; availability: "online" | "away" | "offline" };
  /** A private note @mentioned an agent (`agentId`), written by `byAgentId`. */
  "agent.mentioned": { agentId: number; conversationId: number; messageId: number; byAgentId: number | null };
  /** An SLA clock used `warning_fraction` of its target (core/src/sla). */
  "sla.warning": { conversationId: number; target: "first_response" | "next_response" | "resolution"; dueAt: number };
  /** An SLA clock passed its target. */
  "sla.breached": { conversationId: number; target: "first_response" | "next_response" | "resolution"; dueAt: number };
  /** A conversation waited unassigned past [routing] escalate_after_minutes. */
  "routing.escalated": { conversationId: number; waitedMs: number };
  /** A customer answered a satisfaction survey (score 1-5, then the CES answer, then the NPS answer). */
  "csat.recorded": {
    conversationId: number;
    contactId: number;
    score: number | null;
    comment: string | null;
    ces: number | null;
    /** The NPS answer (0-10), when the survey asks it (`[automations.csat] nps = true`). */
    nps?: number | null;
  };
  /**
   * A channel lost its connection and needs a person (a paired session the phone dropped, a revoked
   * token): `reason` says why and what to do. Published by the adapter (`inbox.disconnected`).
   */
  "channel.disconnected": { inbox: string; channel: string; reason: string };
}

export type EventName = keyof SwitchboardEvents & string;

/** One published event, as handlers, SSE clients and webhooks see it. */
export interface SwitchboardEvent<N extends EventName = EventName> {
  /** A unique id: the event log's sequence number as a string (SSE `id:`, webhook `id`). */
  id: string;
  /** The event's position in the durable log; absent for ephemeral events (typing), which are not logged. */
  seq?: number;
  name: N;
  data: SwitchboardEvents[N];
  at: number;
}

/** An event to log: its name and data (EventBus.recordAll writes several in one statement). */
export type EventEntry = { [N in EventName]: { name: N; data: SwitchboardEvents[N] } }[EventName];

/** A durable subscriber's handlers, by event name; "*" gets every event (after the named one). */
export type EventHandlers = { [N in EventName]?: (event: SwitchboardEvent<N>) => Promise<void> | void } & {
  "*"?: (event: SwitchboardEvent) => Promise<void> | void;
};
