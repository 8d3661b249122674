/**
 * Undoing a conversation merge or split. A merge: the messages, labels, scheduled replies and SLA clocks that moved go
 * back to the merged-away conversation, the activity entries the merge wrote disappear, and both
 * conversations return to their rows before the merge. A row changed since the merge (a new message
 * in the target, a clock stopped by a reply) keeps its newer values; with nothing changed in between,
 * every table is exactly as before. Audited; `conversation.unmerged` is recorded with it and announced after the commit.
 */
import { and, eq, inArray } from "drizzle-orm";
import { BusinessHoursResolver } from "../business-hours/index.ts";
import { actorRef } from "../contacts/merge.ts";
import { sameJson } from "../contacts/merge-record.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { type ClockContext, refreshDue, scheduleTimers, timerKey } from "../sla/clocks.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import type { Tx } from "../store/index.ts";
import { auditLog, conversationLabels, conversationMoves, conversations, messages, scheduledMessages, slaClocks } from "../store/schema.ts";
import { findMove, type MoveRecord, recordOf } from "./move-record.ts";
import type { SplitRecord } from "./split.ts";
import { type Actor, SNOOZE_JOB, snoozeKey } from "./update.ts";

type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "loaded">;

/**
 * Undoes merge or split `moveId`. Throws SWB_ERR_NOT_FOUND for an unknown one and SWB_ERR_CONFLICT when it
 * was undone already.
 *
 * @example
 * const { moveId } = await mergeConversations(switchboard, agent, 12, 9);
 * await undoMove(switchboard, agent, moveId); // #12 is back, with its messages
 */
export async function undoMove(sb: Needs, actor: Actor, moveId: number): Promise<void> {
  const move = await findMove(sb.store.db, moveId);
  const record = recordOf(move);
  const calendar = await new BusinessHoursResolver(sb.loaded.config).forConversation(sb.store.db, record.sourceBefore);
  const now = sb.clock.now();
  const event = await sb.store.write(async (tx) => {
    const again = await findMove(tx, moveId);
    if (again.undoneAt !== null)
      throw new SwitchboardError(ErrorCodes.CONFLICT, `Conversation ${again.kind} ${moveId} was undone already (by ${again.undoneBy}).`);
    const c: ClockContext = { tx, jobs: sb.jobs, calendar, now, warningFraction: sb.loaded.config.sla.warning_fraction };
    if (again.kind === "split") {
      await undoSplit(c, again.targetId, record as unknown as SplitRecord);
      return finish(tx, again);
    }
    await moveBack(tx, record);
    await restoreClocks(c, record);
    if (record.sourceBefore.status === "snoozed" && record.sourceBefore.snoozedUntil !== null)
      await sb.jobs.schedule(
        SNOOZE_JOB,
        { conversationId: record.sourceBefore.id },
        { at: record.sourceBefore.snoozedUntil, key: snoozeKey(record.sourceBefore.id) },
        tx,
      );
    await restoreRow(tx, record.sourceBefore, record.sourceAfter, now, true);
    await restoreRow(tx, record.targetBefore, record.targetAfter, now, false);
    return finish(tx, again);
  });
  sb.bus.announce(event);

  /** Marks the move undone, audits it and records its event. */
  async function finish(tx: Tx, row: typeof move) {
    await tx
      .update(conversationMoves)
      .set({ undoneAt: now, undoneBy: actorRef(actor) })
      .where(eq(conversationMoves.id, moveId));
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: row.kind === "split" ? "conversation.unsplit" : "conversation.unmerged",
      subjectType: "conversation",
      subjectId: String(row.sourceId),
      data: { target: row.targetId, move: moveId },
      createdAt: now,
    });
    return sb.bus.record(tx, "conversation.unmerged", { sourceId: row.sourceId, targetId: row.targetId, actor: actorRef(actor), moveId });
  }
}

/**
 * A split undone: every message of the new conversation (those split off and any that came since)
 * goes back, the new conversation and its clocks (with their timers) are removed, and the source's
 * row is as before when nothing changed it since.
 */
async function undoSplit(c: ClockContext, newId: number, record: SplitRecord): Promise<void> {
  const { tx } = c;
  const sourceId = record.sourceBefore.id;
  await tx.delete(messages).where(and(eq(messages.conversationId, newId), eq(messages.direction, "activity")));
  await tx.update(messages).set({ conversationId: sourceId }).where(eq(messages.conversationId, newId));
  if (record.activityIds.length > 0) await tx.delete(messages).where(inArray(messages.id, record.activityIds));
  for (const clock of await tx.select({ id: slaClocks.id }).from(slaClocks).where(eq(slaClocks.conversationId, newId))) {
    await c.jobs.cancel(timerKey(clock.id, "warning"), tx);
    await c.jobs.cancel(timerKey(clock.id, "breach"), tx);
  }
  await tx.delete(slaClocks).where(eq(slaClocks.conversationId, newId));
  await tx.delete(conversationLabels).where(eq(conversationLabels.conversationId, newId));
  await tx.update(scheduledMessages).set({ conversationId: sourceId }).where(eq(scheduledMessages.conversationId, newId));
  await tx.delete(conversations).where(eq(conversations.id, newId));
  await restoreRow(tx, record.sourceBefore, record.sourceAfter, c.now, false);
}

async function moveBack(tx: Tx, record: MoveRecord): Promise<void> {
  const source = record.sourceBefore.id;
  const target = record.targetBefore.id;
  if (record.messageIds.length > 0)
    await tx
      .update(messages)
      .set({ conversationId: source })
      .where(and(inArray(messages.id, record.messageIds), eq(messages.conversationId, target)));
  if (record.activityIds.length > 0) await tx.delete(messages).where(inArray(messages.id, record.activityIds));
  if (record.labelsAdded.length > 0)
    await tx
      .delete(conversationLabels)
      .where(and(eq(conversationLabels.conversationId, target), inArray(conversationLabels.labelId, record.labelsAdded)));
  if (record.sourceLabelIds.length > 0)
    await tx
      .insert(conversationLabels)
      .values(record.sourceLabelIds.map((labelId) => ({ conversationId: source, labelId })))
      .onConflictDoNothing();
  if (record.scheduledIds.length > 0)
    await tx
      .update(scheduledMessages)
      .set({ conversationId: source })
      .where(and(inArray(scheduledMessages.id, record.scheduledIds), eq(scheduledMessages.conversationId, target)));
}

/** Each changed clock returns to its row before (with its timers) unless it changed since; then it only goes back to its conversation. */
async function restoreClocks(c: ClockContext, record: MoveRecord): Promise<void> {
  for (const before of record.clocksBefore) {
    const after = record.clocksAfter.find((k) => k.id === before.id);
    const [current] = await c.tx.select().from(slaClocks).where(eq(slaClocks.id, before.id));
    if (!current) continue;
    if (sameJson(current, after)) {
      const { id, ...row } = before;
      await c.tx.update(slaClocks).set(row).where(eq(slaClocks.id, id));
      if (after && after.stoppedAt !== null && before.stoppedAt === null) await scheduleTimers(c, before);
    } else {
      await c.tx.update(slaClocks).set({ conversationId: before.conversationId }).where(eq(slaClocks.id, before.id));
    }
  }
  await refreshDue(c.tx, record.sourceBefore.id);
  await refreshDue(c.tx, record.targetBefore.id);
}

/**
 * A conversation's row as before the move when nothing changed it since; else (with `status`) its
 * status as before, keeping the newer rest.
 */
async function restoreRow(tx: Tx, before: Conversation, after: Conversation, now: number, status: boolean): Promise<void> {
  const current = await findConversation(tx, before.id);
  if (!current) return;
  const { id, ...row } = before;
  if (sameJson({ ...current, slaDueAt: null }, { ...after, slaDueAt: null })) {
    await tx
      .update(conversations)
      .set({ ...row, slaDueAt: current.slaDueAt })
      .where(eq(conversations.id, id));
    return;
  }
  if (!status) return;
  const { snoozedUntil, resolvedAt, mergedIntoId } = before;
  await tx
    .update(conversations)
    .set({ status: before.status, snoozedUntil, resolvedAt, mergedIntoId, updatedAt: now })
    .where(eq(conversations.id, id));
}
