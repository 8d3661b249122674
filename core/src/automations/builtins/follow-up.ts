/**
 * The post-resolution follow-up: N hours after a conversation is resolved, "Just checking in, is
 * everything working?" goes out on the channel the customer used last. A durable job, keyed by the
 * contact, so it survives restarts; any message the customer writes first cancels it.
 */
import { and, desc, eq } from "drizzle-orm";
import type { AutomationsConfig } from "../../config/automations.ts";
import { findConversation } from "../../store/conversations.ts";
import { isAutomatedMessage } from "../../store/messages.ts";
import { messages } from "../../store/schema.ts";
import { type ActionServices, sendAutomated } from "../actions.ts";
import type { loadContext } from "../context.ts";
import { claimFire } from "../fires.ts";
import { renderTemplate } from "../template.ts";

export const FOLLOW_UP_JOB = "core:automation.follow-up";
export const followUpKey = (contactId: number) => `follow-up:contact:${contactId}`;

type Load = (conversationId: number) => ReturnType<typeof loadContext>;

/**
 * Defines the follow-up job and returns what the engine calls: on resolution (schedule) and on a
 * customer message (cancel).
 *
 * @example
 * const followUp = setupFollowUp(switchboard, config.follow_up, load);
 * await followUp.resolved(42, 7, event.at); // conversation 42 of contact 7 was resolved
 */
export function setupFollowUp(sb: ActionServices, config: AutomationsConfig["follow_up"], load: Load) {
  sb.jobs.define(FOLLOW_UP_JOB, async (payload) => {
    const { conversationId, resolvedAt } = payload as { conversationId: number; resolvedAt: number };
    const conversation = await findConversation(sb.store.db, conversationId);
    if (!conversation || conversation.status !== "resolved") return;
    const recent = await sb.store.db
      .select({ inbox: messages.inbox, metadata: messages.metadata, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.contactId, conversation.contactId), eq(messages.direction, "incoming")))
      .orderBy(desc(messages.id))
      .limit(20);
    const lastWords = recent.find((m) => !isAutomatedMessage(m.metadata));
    if (lastWords && lastWords.createdAt > resolvedAt) return; // the customer wrote first
    const context = await load(conversationId);
    if (
      !context ||
      !(await claimFire(sb.store, { conversationId, rule: "follow_up", event: "conversation.status_changed", max: 1, now: sb.clock.now() }))
    )
      return;
    await sendAutomated(sb, context, "follow_up", renderTemplate(config.text, context.values), { inbox: lastWords?.inbox });
  });

  return {
    /** Schedules the follow-up `after_hours` after the resolution (`resolvedAt`: its event's time, however late the subscriber is). */
    async resolved(conversationId: number, contactId: number, resolvedAt: number): Promise<void> {
      if (!config.enabled) return;
      await sb.jobs.schedule(
        FOLLOW_UP_JOB,
        { conversationId, resolvedAt },
        { at: resolvedAt + Math.round(config.after_hours * 3_600_000), key: followUpKey(contactId) },
      );
    },
    async customerWrote(contactId: number): Promise<void> {
      await sb.jobs.cancel(followUpKey(contactId));
    },
  };
}
