/**
 * Send-later messages: an agent's reply stored with a time, sent by a durable job when it comes.
 * When the customer writes first, every scheduled message of the conversation is cancelled (with a
 * timeline note), and so is a snooze's wake-up (the message already reopened the conversation).
 * Sending is exactly once as far as the channel allows: the message, its outbox row and the schedule
 * marked sent commit in one transaction, so a schedule is never sent without a message (a crash
 * before the commit leaves it scheduled, and its job runs again).
 */
import { and, eq, lte, sql } from "drizzle-orm";
import { describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { isCustomerMessage } from "../events/message-data.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";
import { inIdList, reusableQuery } from "../store/reusable.ts";
import { scheduledMessages } from "../store/schema.ts";
import { snoozeKey } from "./update.ts";

export const SEND_LATER_JOB = "core:send-later";
export const sendLaterKey = (id: number) => `send-later:${id}`;
export type ScheduledMessage = typeof scheduledMessages.$inferSelect;
type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "outbound" | "log">;

/**
 * Schedules a reply. Throws SWB_ERR_NOT_FOUND for an unknown conversation and SWB_ERR_VALIDATION
 * for a time that is not in the future or empty text.
 *
 * @example
 * await scheduleMessage(switchboard, { conversationId: 42, agentId: 3, text: "Good morning! Any luck?", sendAt: tomorrowAt9 });
 */
export async function scheduleMessage(
  sb: Needs,
  input: { conversationId: number; agentId: number | null; text: string; sendAt: number },
): Promise<ScheduledMessage> {
  if (input.text.trim() === "") throw new SwitchboardError(ErrorCodes.VALIDATION, "A scheduled message needs text.");
  if (input.sendAt <= sb.clock.now())
    throw new SwitchboardError(ErrorCodes.VALIDATION, "Invalid body: send_at: give a time in the future (milliseconds since the epoch).");
  if (!(await findConversation(sb.store.db, input.conversationId)))
    throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${input.conversationId} does not exist.`);
  return sb.store.write(async (tx) => {
    const [row] = await tx
      .insert(scheduledMessages)
      .values({ ...input, createdAt: sb.clock.now() })
      .returning();
    await sb.jobs.schedule(SEND_LATER_JOB, { id: row!.id }, { at: input.sendAt, key: sendLaterKey(row!.id) }, tx);
    return row!;
  });
}

/**
 * Cancels a scheduled message. Resolves to false when it was already sent or cancelled.
 *
 * @example
 * await cancelScheduledMessage(switchboard, 7, "cancelled by Alice");
 */
export async function cancelScheduledMessage(sb: Pick<Services, "store" | "jobs">, id: number, reason: string): Promise<boolean> {
  return sb.store.write(async (tx) => {
    const cancelled = await tx
      .update(scheduledMessages)
      .set({ status: "cancelled", cancelReason: reason })
      .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, "scheduled")))
      .returning({ id: scheduledMessages.id });
    if (cancelled.length > 0) await sb.jobs.cancel(sendLaterKey(id), tx);
    return cancelled.length > 0;
  });
}

/**
 * The scheduled messages of a conversation still waiting that were written before `before` (read
 * for every customer message: a message read again after a restart cancels none written since).
 */
const scheduledIn = reusableQuery((db) =>
  db
    .select({ id: scheduledMessages.id })
    .from(scheduledMessages)
    .where(
      and(
        eq(scheduledMessages.conversationId, sql.placeholder("conversationId")),
        eq(scheduledMessages.status, "scheduled"),
        lte(scheduledMessages.createdAt, sql.placeholder("before")),
      ),
    ),
);
/** The scheduled messages still waiting in some conversations: scheduledIn for a batch of customer messages in one statement. */
const scheduledAmong = reusableQuery((db) =>
  db
    .select({ id: scheduledMessages.id, conversationId: scheduledMessages.conversationId, createdAt: scheduledMessages.createdAt })
    .from(scheduledMessages)
    .where(and(inIdList(scheduledMessages.conversationId), eq(scheduledMessages.status, "scheduled"))),
);

/**
 * Defines the send job and cancels scheduled messages and snooze wake-ups when the customer writes.
 *
 * @example
 * setupSendLater(switchboard);
 */
export function setupSendLater(sb: Needs): void {
  sb.jobs.define(SEND_LATER_JOB, async (payload) => {
    const { id } = payload as { id: number };
    const [scheduled] = await sb.store.db.select().from(scheduledMessages).where(eq(scheduledMessages.id, id));
    if (scheduled?.status !== "scheduled") return;
    try {
      // The message, its outbox row and the schedule marked sent commit together or not at all.
      await sb.outbound.reply(
        {
          conversationId: scheduled.conversationId,
          agentId: scheduled.agentId,
          text: scheduled.text,
          metadata: { scheduledMessageId: id },
        },
        {
          within: async (tx, message) => {
            const claimed = await tx
              .update(scheduledMessages)
              .set({ status: "sent", messageId: message.id })
              .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, "scheduled")))
              .returning({ id: scheduledMessages.id });
            if (claimed.length === 0)
              throw new SwitchboardError(
                ErrorCodes.CONFLICT,
                `Scheduled message ${id} was cancelled while it was being sent; nothing was sent.`,
              );
          },
        },
      );
    } catch (error) {
      if (error instanceof SwitchboardError && error.code === ErrorCodes.CONFLICT) {
        sb.log.info({ scheduledMessageId: id }, "a scheduled message was cancelled as it came due; not sent");
        return;
      }
      const permanent = error instanceof SwitchboardError && (error.code === ErrorCodes.VALIDATION || error.code === ErrorCodes.NOT_FOUND);
      if (!permanent) throw error;
      await sb.store.write((tx) =>
        tx
          .update(scheduledMessages)
          .set({ status: "cancelled", cancelReason: describeError(error).message })
          .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, "scheduled"))),
      );
      sb.log.warn({ scheduledMessageId: id, error: describeError(error) }, "a scheduled message could not be sent and was cancelled");
    }
  });

  // The waiting scheduled messages of the conversations customers wrote in, read ahead for a batch
  // of events (one statement instead of one per message, issue 22). One sent or cancelled since
  // (by this subscriber, the send job or an agent) is left alone by cancelScheduledMessage, which
  // cancels only what is still scheduled; one scheduled since was written after the messages.
  let ahead = { asked: new Set<number>(), waiting: new Map<number, { id: number; createdAt: number }[]>() };
  const prepare = async (events: readonly SwitchboardEvent[]) => {
    const ids = [...new Set(events.filter(isCustomerMessage).map((event) => event.data.conversationId))];
    ahead = { asked: new Set(), waiting: new Map() };
    if (ids.length < 2) return;
    const waiting = new Map<number, { id: number; createdAt: number }[]>();
    for (const row of await scheduledAmong(sb.store.db, { ids: JSON.stringify(ids) }))
      waiting.set(row.conversationId, [...(waiting.get(row.conversationId) ?? []), row]);
    ahead = { asked: new Set(ids), waiting };
  };
  const pendingBefore = async (conversationId: number, before: number) =>
    ahead.asked.has(conversationId)
      ? (ahead.waiting.get(conversationId) ?? []).filter((row) => row.createdAt <= before)
      : await scheduledIn(sb.store.db, { conversationId, before });

  sb.bus.consume(
    "send-later",
    {
      // A customer writing reopens a snoozed conversation (the pipeline logs that change): its wake-up
      // goes. Only then, not on every message: that read was one statement per message (issue 22).
      "conversation.status_changed": async (event) => {
        if (event.data.from !== "snoozed" || event.data.actor !== "customer") return;
        const conversationId = event.data.conversationId;
        await sb.store.write(async (tx) => {
          // Read and cancel in one transaction: a snooze set meanwhile keeps its wake-up.
          const conversation = await findConversation(tx, conversationId);
          if (conversation && conversation.status !== "snoozed") await sb.jobs.cancel(snoozeKey(conversationId), tx);
        });
      },
      "message.created": async (event) => {
        if (!isCustomerMessage(event)) return;
        const conversationId = event.data.conversationId;
        const pending = await pendingBefore(conversationId, event.data.createdAt);
        for (const { id } of pending) {
          if (await cancelScheduledMessage(sb, id, "the customer wrote first")) {
            await sb.outbound.reply({
              conversationId,
              agentId: null,
              kind: "note",
              text: "A scheduled message was cancelled because the customer wrote first.",
            });
          }
        }
      },
    },
    { prepare },
  );
}
