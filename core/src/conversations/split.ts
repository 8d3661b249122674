/**
 * Splitting a conversation: the messages an agent selects (a new topic inside an old thread) move
 * into a new conversation of the same contact and inbox, with its own status (open), assignee
 * (none; the team stays) and SLA clocks (resolution, and first response when the customer has the
 * last word). Both timelines say what happened; a conversation_moves row of kind "split" records it
 * so undoMove can put the messages back and remove the new conversation.
 */
import { and, eq, inArray } from "drizzle-orm";
import { BusinessHoursResolver } from "../business-hours/index.ts";
import { actorRef } from "../contacts/merge-in.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { type ClockContext, refreshDue, startClocks } from "../sla/clocks.ts";
import { slaTargets } from "../sla/policy.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import { auditLog, conversationMoves, conversations, messages, type SlaTarget } from "../store/schema.ts";
import type { Actor } from "./update.ts";

type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "loaded" | "registry">;

/** What a split writes down for its undo. */
export interface SplitRecord {
  version: 1;
  kind: "split";
  sourceBefore: Conversation;
  sourceAfter: Conversation;
  messageIds: number[];
  /** The activity entries the split wrote in the source (the new conversation's go with it). */
  activityIds: number[];
  /** The clocks started for the new conversation. */
  clockIds: number[];
}

/**
 * Moves `messageIds` of conversation `sourceId` into a new conversation; returns the move's id and
 * the new conversation's. Throws SWB_ERR_NOT_FOUND, SWB_ERR_VALIDATION (no messages, all of them,
 * or an activity entry), SWB_ERR_CONFLICT (a message not in that conversation, or a merged one).
 *
 * @example
 * const { moveId, conversationId } = await splitConversation(switchboard, agent, 12, [301, 302]);
 * await undoMove(switchboard, agent, moveId); // back into #12
 */
export async function splitConversation(
  sb: Needs,
  actor: Actor,
  sourceId: number,
  messageIds: number[],
): Promise<{ moveId: number; conversationId: number }> {
  const ids = [...new Set(messageIds)];
  if (ids.length === 0) throw new SwitchboardError(ErrorCodes.VALIDATION, "Invalid body: message_ids: select at least one message.");
  const source0 = await findConversation(sb.store.db, sourceId);
  if (!source0) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${sourceId} does not exist.`);
  const calendar = await new BusinessHoursResolver(sb.loaded.config).forConversation(sb.store.db, source0);
  const now = sb.clock.now();
  const { moveId, conversationId, event } = await sb.store.write(async (tx) => {
    const source = (await findConversation(tx, sourceId))!;
    if (source.mergedIntoId !== null)
      throw new SwitchboardError(ErrorCodes.CONFLICT, `Conversation #${sourceId} was merged into #${source.mergedIntoId}; split that one.`);
    const all = await tx
      .select({ id: messages.id, direction: messages.direction, createdAt: messages.createdAt })
      .from(messages)
      .where(eq(messages.conversationId, sourceId));
    const chosen = all.filter((m) => ids.includes(m.id));
    const missing = ids.filter((id) => !chosen.some((m) => m.id === id));
    if (missing.length > 0)
      throw new SwitchboardError(ErrorCodes.CONFLICT, `Message ${missing.join(", ")} is not in conversation #${sourceId} (any more).`);
    if (chosen.some((m) => m.direction === "activity"))
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        "Invalid body: message_ids: activity entries stay where they are; select messages.",
      );
    if (all.filter((m) => m.direction !== "activity").every((m) => ids.includes(m.id)))
      throw new SwitchboardError(ErrorCodes.VALIDATION, "Invalid body: message_ids: leave at least one message in the conversation.");
    const last = chosen.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    const incoming = chosen.filter((m) => m.direction === "incoming").map((m) => m.createdAt);
    const [created] = await tx
      .insert(conversations)
      .values({
        contactId: source.contactId,
        inbox: source.inbox,
        channel: source.channel,
        subject: source.subject,
        teamId: source.teamId,
        lastActivityAt: last.createdAt,
        lastCustomerMessageAt: incoming.length ? Math.max(...incoming) : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const target = created!;
    await tx
      .update(messages)
      .set({ conversationId: target.id })
      .where(and(eq(messages.conversationId, sourceId), inArray(messages.id, ids)));
    await tx.update(conversations).set({ updatedAt: now }).where(eq(conversations.id, sourceId));

    const c: ClockContext = { tx, jobs: sb.jobs, calendar, now, warningFraction: sb.loaded.config.sla.warning_fraction };
    const targets = sb.loaded.config.sla.enabled ? slaTargets(sb.loaded.config, target, sb.registry.familyOf(target.channel)) : null;
    const starts: { target: SlaTarget; targetMs: number }[] = [];
    if (targets?.resolution) starts.push({ target: "resolution", targetMs: targets.resolution });
    if (targets?.first_response && last.direction === "incoming")
      starts.push({ target: "first_response", targetMs: targets.first_response });
    const clockIds = (await startClocks(c, target.id, starts, false)).map((clock) => clock.id);
    await refreshDue(tx, target.id);

    const activity = (conversationId: number, text: string) => ({
      conversationId,
      contactId: source.contactId,
      inbox: source.inbox,
      channel: source.channel,
      direction: "activity" as const,
      authorAgentId: actor.id,
      text,
      metadata: { activity: "split", source: sourceId, target: target.id, messages: ids.length },
      deliveryStatus: "sent" as const,
      createdAt: now,
      updatedAt: now,
    });
    const [sourceActivity] = await tx
      .insert(messages)
      .values(activity(sourceId, `${ids.length} message(s) split into #${target.id} by ${actor.name}`))
      .returning({ id: messages.id });
    await tx.insert(messages).values(activity(target.id, `Split from #${sourceId} by ${actor.name}`));
    const record: SplitRecord = {
      version: 1,
      kind: "split",
      sourceBefore: source,
      sourceAfter: (await findConversation(tx, sourceId))!,
      messageIds: ids,
      activityIds: [sourceActivity!.id],
      clockIds,
    };
    const [row] = await tx
      .insert(conversationMoves)
      .values({
        kind: "split",
        sourceId,
        targetId: target.id,
        actor: actorRef(actor),
        record: record as unknown as Record<string, unknown>,
        createdAt: now,
      })
      .returning({ id: conversationMoves.id });
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "conversation.split",
      subjectType: "conversation",
      subjectId: String(sourceId),
      data: { target: target.id, move: row!.id, messages: ids },
      createdAt: now,
    });
    const event = await sb.bus.record(tx, "conversation.created", {
      conversationId: target.id,
      contactId: target.contactId,
      inbox: target.inbox,
      channel: target.channel,
    });
    return { moveId: row!.id, conversationId: target.id, event };
  });
  sb.bus.announce(event);
  return { moveId, conversationId };
}
