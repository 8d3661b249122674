/**
 * Merging two conversations of the same contact (a customer who opened a second thread about the
 * same thing): the source's messages and labels move to the target, the source is resolved, and
 * both timelines say what happened. Contacts are merged elsewhere (identity resolution).
 */
import { eq, sql } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";
import { auditLog, conversationLabels, conversations, messages } from "../store/schema.ts";
import type { Actor } from "./update.ts";

/**
 * Merges `sourceId` into `targetId`. Throws SWB_ERR_NOT_FOUND, or SWB_ERR_VALIDATION when they are
 * the same conversation or belong to different contacts.
 *
 * @example
 * await mergeConversations(switchboard, agent, 12, 9); // #12's messages now live in #9
 */
export async function mergeConversations(
  sb: Pick<Services, "store" | "clock" | "bus">,
  actor: Actor,
  sourceId: number,
  targetId: number,
): Promise<void> {
  if (sourceId === targetId) throw new SwitchboardError(ErrorCodes.VALIDATION, "A conversation cannot be merged into itself.");
  const now = sb.clock.now();
  const previousStatus = await sb.store.write(async (tx) => {
    const source = await findConversation(tx, sourceId);
    const target = await findConversation(tx, targetId);
    if (!source || !target)
      throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${!source ? sourceId : targetId} does not exist.`);
    if (source.contactId !== target.contactId) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Conversations #${sourceId} and #${targetId} belong to different contacts. Merge the contacts first.`,
      );
    }
    await tx.update(messages).set({ conversationId: targetId }).where(eq(messages.conversationId, sourceId));
    await tx.run(
      sql`INSERT OR IGNORE INTO conversation_labels (conversation_id, label_id) SELECT ${targetId}, label_id FROM conversation_labels WHERE conversation_id = ${sourceId}`,
    );
    await tx.delete(conversationLabels).where(eq(conversationLabels.conversationId, sourceId));
    await tx.update(conversations).set({ status: "resolved", resolvedAt: now, updatedAt: now }).where(eq(conversations.id, sourceId));
    await tx
      .update(conversations)
      .set({ lastActivityAt: Math.max(source.lastActivityAt, target.lastActivityAt), updatedAt: now })
      .where(eq(conversations.id, targetId));
    const activity = (conversationId: number, text: string) => ({
      conversationId,
      contactId: target.contactId,
      inbox: target.inbox,
      channel: target.channel,
      direction: "activity" as const,
      authorAgentId: actor.id,
      text,
      metadata: { activity: "merge", source: sourceId, target: targetId },
      deliveryStatus: "sent" as const,
      createdAt: now,
      updatedAt: now,
    });
    await tx
      .insert(messages)
      .values([
        activity(targetId, `Conversation #${sourceId} merged into this one by ${actor.name}`),
        activity(sourceId, `Merged into #${targetId} by ${actor.name}`),
      ]);
    await tx.insert(auditLog).values({
      actor: actor.id === null ? "system" : `agent:${actor.id}`,
      action: "conversation.merged",
      subjectType: "conversation",
      subjectId: String(targetId),
      data: { source: sourceId },
      createdAt: now,
    });
    return source.status;
  });
  const actorRef = actor.id === null ? "system" : `agent:${actor.id}`;
  if (previousStatus !== "resolved")
    sb.bus.publish("conversation.status_changed", { conversationId: sourceId, from: previousStatus, to: "resolved", actor: actorRef });
  sb.bus.publish("conversation.merged", { sourceId, targetId, actor: actorRef });
}
