/**
 * Merging two conversations of the same contact (a customer who opened a second thread about the
 * same thing): the source's messages, labels, scheduled replies and SLA clocks move to the target
 * (when both wait on the same target, the clock that started first keeps counting and the other is
 * cancelled), and the source is closed as merged. A merge is not a resolution: it records
 * `conversation.merged` and never `conversation.status_changed`, so no survey, no follow-up and no
 * SLA "hit". A conversation_moves row records exactly what changed, so undoMove can put it back.
 */
import { and, eq, inArray } from "drizzle-orm";
import { BusinessHoursResolver } from "../business-hours/index.ts";
import { actorRef } from "../contacts/merge.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { type ClockContext, refreshDue, stopClock } from "../sla/clocks.ts";
import { findConversation } from "../store/conversations.ts";
import type { Tx } from "../store/index.ts";
import { auditLog, conversationLabels, conversationMoves, conversations, messages, scheduledMessages, slaClocks } from "../store/schema.ts";
import type { MoveRecord } from "./move-record.ts";
import { type Actor, snoozeKey } from "./update.ts";

type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "loaded">;

/**
 * Merges `sourceId` into `targetId` and returns the move's id (for undoMove). Throws
 * SWB_ERR_NOT_FOUND, SWB_ERR_VALIDATION when they are the same conversation or belong to different
 * contacts, and SWB_ERR_CONFLICT when the source was merged already.
 *
 * @example
 * const { moveId } = await mergeConversations(switchboard, agent, 12, 9); // #12's messages now live in #9
 * await undoMove(switchboard, agent, moveId);                             // and back
 */
export async function mergeConversations(sb: Needs, actor: Actor, sourceId: number, targetId: number): Promise<{ moveId: number }> {
  if (sourceId === targetId) throw new SwitchboardError(ErrorCodes.VALIDATION, "A conversation cannot be merged into itself.");
  const target0 = await findConversation(sb.store.db, targetId);
  const calendar = target0 ? await new BusinessHoursResolver(sb.loaded.config).forConversation(sb.store.db, target0) : undefined;
  const now = sb.clock.now();
  const { moveId, event } = await sb.store.write(async (tx) => {
    const source = await findConversation(tx, sourceId);
    const target = await findConversation(tx, targetId);
    if (!source || !target || !calendar)
      throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${!source ? sourceId : targetId} does not exist.`);
    if (source.contactId !== target.contactId) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Conversations #${sourceId} and #${targetId} belong to different contacts. Merge the contacts first.`,
      );
    }
    if (source.mergedIntoId !== null || target.mergedIntoId !== null)
      throw new SwitchboardError(
        ErrorCodes.CONFLICT,
        `Conversation #${source.mergedIntoId !== null ? sourceId : targetId} was merged already; undo that merge first.`,
      );
    const c: ClockContext = { tx, jobs: sb.jobs, calendar, now, warningFraction: sb.loaded.config.sla.warning_fraction };
    const record = await move(tx, c, source, target, actor);
    const [row] = await tx
      .insert(conversationMoves)
      .values({
        kind: "merge",
        sourceId,
        targetId,
        actor: actorRef(actor),
        record: record as unknown as Record<string, unknown>,
        createdAt: now,
      })
      .returning({ id: conversationMoves.id });
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "conversation.merged",
      subjectType: "conversation",
      subjectId: String(targetId),
      data: { source: sourceId, move: row!.id, messages: record.messageIds.length },
      createdAt: now,
    });
    const event = await sb.bus.record(tx, "conversation.merged", { sourceId, targetId, actor: actorRef(actor), moveId: row!.id });
    return { moveId: row!.id, event };
  });
  sb.bus.announce(event);
  return { moveId };
}

const ids = async (rows: Promise<{ id: number }[]>) => (await rows).map((r) => r.id);

async function move(
  tx: Tx,
  c: ClockContext,
  source: MoveRecord["sourceBefore"],
  target: MoveRecord["targetBefore"],
  actor: Actor,
): Promise<MoveRecord> {
  const { now } = c;
  const messageIds = await ids(tx.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, source.id)));
  await tx.update(messages).set({ conversationId: target.id }).where(eq(messages.conversationId, source.id));

  const labelIds = async (id: number) =>
    (await tx.select({ id: conversationLabels.labelId }).from(conversationLabels).where(eq(conversationLabels.conversationId, id))).map(
      (r) => r.id,
    );
  const sourceLabelIds = await labelIds(source.id);
  const targetLabels = new Set(await labelIds(target.id));
  const labelsAdded = sourceLabelIds.filter((id) => !targetLabels.has(id));
  if (labelsAdded.length > 0)
    await tx.insert(conversationLabels).values(labelsAdded.map((labelId) => ({ conversationId: target.id, labelId })));
  await tx.delete(conversationLabels).where(eq(conversationLabels.conversationId, source.id));

  const scheduledIds = await ids(
    tx
      .select({ id: scheduledMessages.id })
      .from(scheduledMessages)
      .where(and(eq(scheduledMessages.conversationId, source.id), eq(scheduledMessages.status, "scheduled"))),
  );
  if (scheduledIds.length > 0)
    await tx.update(scheduledMessages).set({ conversationId: target.id }).where(inArray(scheduledMessages.id, scheduledIds));

  const { clocksBefore, clocksAfter } = await moveClocks(tx, c, source.id, target.id);
  if (source.status === "snoozed") await c.jobs.cancel(snoozeKey(source.id), tx);

  const earliest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  const latest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  await tx
    .update(conversations)
    .set({ status: "resolved", snoozedUntil: null, resolvedAt: now, mergedIntoId: target.id, updatedAt: now })
    .where(eq(conversations.id, source.id));
  await tx
    .update(conversations)
    .set({
      lastActivityAt: Math.max(source.lastActivityAt, target.lastActivityAt),
      lastCustomerMessageAt: latest(source.lastCustomerMessageAt, target.lastCustomerMessageAt),
      firstResponseAt: earliest(source.firstResponseAt, target.firstResponseAt),
      updatedAt: now,
    })
    .where(eq(conversations.id, target.id));
  await refreshDue(tx, source.id);
  await refreshDue(tx, target.id);

  const activity = (conversationId: number, text: string) => ({
    conversationId,
    contactId: target.contactId,
    inbox: conversationId === target.id ? target.inbox : source.inbox,
    channel: conversationId === target.id ? target.channel : source.channel,
    direction: "activity" as const,
    authorAgentId: actor.id,
    text,
    metadata: { activity: "merge", source: source.id, target: target.id },
    deliveryStatus: "sent" as const,
    createdAt: now,
    updatedAt: now,
  });
  const activityIds = await ids(
    tx
      .insert(messages)
      .values([
        activity(target.id, `Conversation #${source.id} merged into this one by ${actor.name}`),
        activity(source.id, `Merged into #${target.id} by ${actor.name}`),
      ])
      .returning({ id: messages.id }),
  );
  return {
    version: 1,
    sourceBefore: source,
    sourceAfter: (await findConversation(tx, source.id))!,
    targetBefore: target,
    targetAfter: (await findConversation(tx, target.id))!,
    messageIds,
    activityIds,
    sourceLabelIds,
    labelsAdded,
    clocksBefore,
    clocksAfter,
    scheduledIds,
  };
}

/**
 * Every clock of the source moves to the target. Where both then wait on the same target, the
 * clock that started first keeps counting (the customer has waited since then) and the other stops
 * as cancelled. Returns the changed clocks as they were and as they are now.
 */
async function moveClocks(tx: Tx, c: ClockContext, sourceId: number, targetId: number) {
  const all = await tx
    .select()
    .from(slaClocks)
    .where(inArray(slaClocks.conversationId, [sourceId, targetId]));
  const live = all.filter((k) => k.stoppedAt === null);
  const cancelled = live.filter((k) =>
    live.some((o) => o.id !== k.id && o.target === k.target && (o.startedAt < k.startedAt || (o.startedAt === k.startedAt && o.id < k.id))),
  );
  const changed = all.filter((k) => k.conversationId === sourceId || cancelled.some((x) => x.id === k.id));
  await tx.update(slaClocks).set({ conversationId: targetId }).where(eq(slaClocks.conversationId, sourceId));
  for (const clock of cancelled) await stopClock(c, { ...clock, conversationId: targetId }, false);
  const changedIds = changed.map((k) => k.id);
  const clocksAfter = changedIds.length ? await tx.select().from(slaClocks).where(inArray(slaClocks.id, changedIds)) : [];
  return { clocksBefore: changed, clocksAfter };
}
