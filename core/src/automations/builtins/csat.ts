/**
 * The satisfaction survey after resolution, on any channel: "How would you rate ... 1 to 5?" (a
 * comment may follow the number), then the CES question, then (with `nps = true`) the NPS question
 * from 0 to 10, then thanks. The survey waits for answers
 * on the inbox it was sent on; an answer is recorded in `csat_responses`, kept in the resolved
 * conversation's timeline and publishes `csat.recorded`, without opening a new conversation; the
 * channel hears "stored" as a survey answer (`storedAs: "survey_answer"`). An answer is not a new
 * request: it leaves the follow-up after resolution as it is. Anything that is not an answer (no
 * leading number in range) goes through as a new message.
 */
import { and, desc, eq, gte, inArray } from "drizzle-orm";
import type { AutomationsConfig } from "../../config/automations.ts";
import { identityScopeOf } from "../../contacts/identity-scope.ts";
import { conversationState, messageEventData } from "../../events/message-data.ts";
import type { Taker } from "../../pipeline/taker.ts";
import type { InboundMessage, InboxInfo, IngestResult } from "../../plugins/types.ts";
import { findContactByIdentity } from "../../store/contacts.ts";
import { findConversation } from "../../store/conversations.ts";
import { isAutomatedMessage } from "../../store/messages.ts";
import { csatResponses, messages } from "../../store/schema.ts";
import { type ActionServices, sendAutomated } from "../actions.ts";
import type { loadContext } from "../context.ts";
import { claimFire } from "../fires.ts";
import { renderTemplate } from "../template.ts";

export const CSAT_JOB = "core:automation.csat";
type CsatConfig = AutomationsConfig["csat"];
type Load = (conversationId: number) => ReturnType<typeof loadContext>;

/**
 * Reads "4", "4/5", "5 - great help!" as a score from `min` (default 1) to `max` with an optional comment.
 *
 * @example
 * parseRating("5 - great help!", 5); // { value: 5, comment: "great help!" }
 * parseRating("my printer is broken", 5); // undefined
 * parseRating("0", 10, 0); // { value: 0, comment: null } (an NPS answer)
 */
export function parseRating(text: string, max: number, min = 1): { value: number; comment: string | null } | undefined {
  const match = /^\s*(\d{1,2})(?:\s*\/\s*\d{1,2})?(?!\d)[\s.,:;!?\-–—)]*([\s\S]*)$/u.exec(text);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!match || value < min || value > max) return undefined;
  const comment = match[2]!.trim();
  return { value, comment: comment === "" ? null : comment };
}

/** The survey's status after an answer at `stage`: the next question asked, or complete. */
function nextStage(stage: "csat" | "ces" | "nps", config: CsatConfig): "awaiting_ces" | "awaiting_nps" | "complete" {
  if (stage === "csat" && config.ces) return "awaiting_ces";
  if (stage !== "nps" && config.nps) return "awaiting_nps";
  return "complete";
}

/**
 * Defines the survey job and the pipeline step that takes answers; returns what the engine calls.
 *
 * @example
 * const csat = setupCsat(switchboard, config.csat, load);
 * switchboard.inbound.take(csat.captureAnswer); // a Taker: mayTake, then take
 */
export function setupCsat(sb: ActionServices, config: CsatConfig, load: Load) {
  sb.jobs.define(CSAT_JOB, async (payload) => {
    const { conversationId } = payload as { conversationId: number };
    const conversation = await findConversation(sb.store.db, conversationId);
    if (!conversation || conversation.status !== "resolved") return;
    const context = await load(conversationId);
    const now = sb.clock.now();
    if (!context || !(await claimFire(sb.store, { conversationId, rule: "csat", event: "conversation.status_changed", max: 1, now })))
      return;
    await sb.store.write((tx) =>
      tx.insert(csatResponses).values({ conversationId, contactId: conversation.contactId, inbox: conversation.inbox, sentAt: now }),
    );
    await sendAutomated(sb, context, "csat", renderTemplate(config.question, context.values));
  });

  /**
   * Whether a message could be an answer: surveys on, from the customer, and reading as a rating on
   * the widest scale (0-99); any other message skips the survey lookups (issue 22).
   */
  const mayAnswer = (message: InboundMessage) =>
    config.enabled && !isAutomatedMessage(message.metadata) && !message.edited && parseRating(message.text, 99, 0) !== undefined;

  /** The pipeline step (InboundPipeline.take), for a message mayAnswer said yes to: stores a survey answer as one, or leaves the message (undefined). */
  async function captureAnswer(message: InboundMessage, inbox: InboxInfo): Promise<IngestResult | undefined> {
    const { db } = sb.store;
    const contact = await findContactByIdentity(db, inbox.channel, message.contact.externalId, identityScopeOf(inbox));
    if (!contact) return undefined;
    const since = sb.clock.now() - config.expires_after_hours * 3_600_000;
    const [survey] = await db
      .select()
      .from(csatResponses)
      .where(
        and(
          eq(csatResponses.contactId, contact.id),
          eq(csatResponses.inbox, inbox.name),
          inArray(csatResponses.status, ["awaiting_score", "awaiting_ces", "awaiting_nps"]),
          gte(csatResponses.sentAt, since),
        ),
      )
      .orderBy(desc(csatResponses.sentAt))
      .limit(1);
    if (!survey) return undefined;
    const stage = survey.status === "awaiting_score" ? "csat" : survey.status === "awaiting_ces" ? "ces" : "nps";
    const scoring = stage === "csat";
    const rating = stage === "nps" ? parseRating(message.text, 10, 0) : parseRating(message.text, scoring ? 5 : config.ces_scale);
    if (!rating) return undefined;
    const now = sb.clock.now();
    const next = nextStage(stage, config);
    const stored = await sb.store.write(async (tx) => {
      const [row] = await tx
        .insert(messages)
        .values({
          conversationId: survey.conversationId,
          contactId: contact.id,
          inbox: inbox.name,
          channel: inbox.channel,
          direction: "incoming",
          externalId: message.externalId,
          text: message.text,
          metadata: { ...message.metadata, survey: stage },
          deliveryStatus: "received",
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const answer = scoring
        ? { score: rating.value, comment: rating.comment }
        : stage === "ces"
          ? { ces: rating.value }
          : { nps: rating.value };
      const [updated] = await tx
        .update(csatResponses)
        .set({ ...answer, status: next, answeredAt: now })
        .where(eq(csatResponses.id, survey.id))
        .returning();
      const conversation = await findConversation(tx, survey.conversationId);
      const events = [
        await sb.bus.record(tx, "message.created", { ...messageEventData(row!), conversation: conversationState(conversation!) }),
        await sb.bus.record(tx, "csat.recorded", {
          conversationId: survey.conversationId,
          contactId: contact.id,
          score: updated!.score,
          comment: updated!.comment,
          ces: updated!.ces,
          ...(config.nps ? { nps: updated!.nps } : {}),
        }),
      ];
      return { message: row!, survey: updated!, conversation: conversation!, events };
    });
    sb.bus.announce(...stored.events);
    const context = await load(survey.conversationId);
    if (context)
      await sendAutomated(
        sb,
        context,
        "csat",
        renderTemplate(
          next === "awaiting_ces" ? config.ces_question : next === "awaiting_nps" ? config.nps_question : config.thanks,
          context.values,
        ),
      );
    return {
      status: "stored",
      storedAs: "survey_answer",
      messageId: stored.message.id,
      conversationId: survey.conversationId,
      contactId: contact.id,
    };
  }

  return {
    captureAnswer: { mayTake: mayAnswer, take: captureAnswer } satisfies Taker,
    async resolved(conversationId: number): Promise<void> {
      if (!config.enabled) return;
      await sb.jobs.schedule(
        CSAT_JOB,
        { conversationId },
        { at: sb.clock.now() + Math.round(config.delay_minutes * 60_000), key: `csat:${conversationId}` },
      );
    },
  };
}
