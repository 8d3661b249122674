/**
 * The reply-window reminder: when a channel asks for one (`replyWindow.remindBeforeMs`), each
 * customer message schedules a durable job (keyed by contact and inbox, so the next message
 * replaces it) that, shortly before the window closes, writes a private note mentioning the
 * conversation's assignee; the mention marks the conversation for them and records
 * "agent.mentioned". Nothing is written when the conversation is resolved, unassigned, or the
 * customer wrote again since.
 */
import { recordMentions } from "../mentions/notify.ts";
import { replyWindowState, timeLeft } from "../pipeline/reply-window.ts";
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";

export const REPLY_WINDOW_REMINDER_JOB = "core:reply-window.reminder";
export const replyWindowReminderKey = (contactId: number, inbox: string) => `reply-window:${contactId}:${inbox}`;

interface ReminderPayload {
  conversationId: number;
  contactId: number;
  inbox: string;
  /** The customer message that opened the window this reminder is about. */
  openedAt: number;
}

/**
 * Defines the reminder job and schedules it on each customer message of a channel that asks for it.
 *
 * @example
 * setupReplyWindowReminders(switchboard);
 */
export function setupReplyWindowReminders(sb: Pick<Services, "store" | "clock" | "bus" | "jobs" | "inboxes" | "outbound" | "log">): void {
  sb.jobs.define(REPLY_WINDOW_REMINDER_JOB, async (raw) => {
    const payload = raw as ReminderPayload;
    const inbox = sb.inboxes.get(payload.inbox);
    const state = await replyWindowState(sb.store.db, inbox, payload.contactId, sb.clock.now());
    if (state?.state !== "open" || state.openedAt !== payload.openedAt) return; // closed already, or a newer message moved it
    const conversation = await findConversation(sb.store.db, payload.conversationId);
    const assignee = conversation?.assigneeId;
    if (!conversation || conversation.status === "resolved" || assignee === null || assignee === undefined) return;
    await sb.outbound.reply(
      {
        conversationId: conversation.id,
        agentId: null,
        kind: "note",
        text: `The reply window on ${payload.inbox} closes in ${timeLeft(state.closesAt, sb.clock.now())}. After that, only what the channel allows after its window may be sent.`,
        metadata: { replyWindow: "reminder", mentions: [assignee] },
      },
      { within: (tx, note) => recordMentions(sb, tx, note, [assignee]) },
    );
  });

  // Durable: a customer message stored just before a crash still gets its reminder (rescheduling is idempotent, by key).
  sb.bus.consume("reply-window", {
    "message.created": async (event) => {
      const data = event.data;
      if (data.direction !== "incoming") return;
      const inbox = sb.inboxes.get(data.inbox);
      const remindBeforeMs = inbox?.adapter?.replyWindow?.remindBeforeMs;
      if (!remindBeforeMs) return;
      // The window as it stands (from the customer's latest message, when they sent it), not this event's alone.
      const state = await replyWindowState(sb.store.db, inbox, data.contactId, sb.clock.now());
      if (state?.state !== "open" || state.openedAt === null) return;
      const payload: ReminderPayload = {
        conversationId: data.conversationId,
        contactId: data.contactId,
        inbox: data.inbox,
        openedAt: state.openedAt,
      };
      const at = Math.max(state.closesAt - remindBeforeMs, sb.clock.now());
      await sb.jobs.schedule(REPLY_WINDOW_REMINDER_JOB, payload, { at, key: replyWindowReminderKey(data.contactId, data.inbox) });
    },
  });
}
