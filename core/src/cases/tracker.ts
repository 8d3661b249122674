/**
 * Keeps each case's one status and first response in step with its conversations, from the durable
 * event log (a restart misses nothing): a status change, a merge or its undo recomputes the case's
 * status; the first agent reply on any of its conversations is its first response. Every step
 * recomputes from rows, so seeing an event twice changes nothing.
 */
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";
import { markFirstResponse, refreshCase } from "./store.ts";

/**
 * Subscribes the case keeper ("cases") to the event log.
 *
 * @example
 * trackCases(switchboard);
 */
export function trackCases(sb: Pick<Services, "store" | "clock" | "bus">): void {
  const refresh = async (...conversationIds: number[]) => {
    for (const id of conversationIds) {
      const conversation = await findConversation(sb.store.db, id);
      if (conversation?.caseId != null) {
        const caseId = conversation.caseId;
        await sb.store.write((tx) => refreshCase(tx, caseId, sb.clock.now()));
      }
    }
  };
  sb.bus.consume("cases", {
    "conversation.status_changed": (event) => refresh(event.data.conversationId),
    "conversation.merged": (event) => refresh(event.data.sourceId, event.data.targetId),
    "conversation.unmerged": (event) => refresh(event.data.sourceId, event.data.targetId),
    "message.created": async (event) => {
      const { direction, authorAgentId, conversationId, createdAt } = event.data;
      if (direction !== "outgoing" || authorAgentId === null) return;
      const conversation = await findConversation(sb.store.db, conversationId);
      const caseId = conversation?.caseId;
      if (caseId == null) return;
      await sb.store.write((tx) => markFirstResponse(tx, caseId, createdAt, sb.clock.now()));
    },
  });
}
