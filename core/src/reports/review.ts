/**
 * The weekly context-continuity review: a random sample of the week's cross-channel cases is
 * queued once per week; a lead answers "did the agent acknowledge the earlier interaction?" with yes
 * or no on the case's latest conversation. The score is yes ÷ (yes + no), against a 90% target.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Queryable, Store } from "../store/index.ts";
import { contacts, continuityReviews, conversations, reportSamples } from "../store/schema.ts";
import { METRIC } from "./metrics.ts";
import { weekOf } from "./periods.ts";

/**
 * Queues the week's sample once: up to `size` cases (chosen with `random`) that switched channel and
 * started in [week, weekEnd) in these inboxes. Later calls for the same week add nothing.
 *
 * @example
 * await queueWeeklySample(store, weekStart, weekEnd, 10, Math.random, viewer.inboxes);
 */
export async function queueWeeklySample(
  store: Pick<Store, "write">,
  week: number,
  weekEnd: number,
  size: number,
  random: () => number,
  inboxes: readonly string[],
): Promise<number> {
  return store.write(async (tx) => {
    const [queued] = await tx.select({ id: continuityReviews.id }).from(continuityReviews).where(eq(continuityReviews.week, week)).limit(1);
    if (queued || size === 0 || inboxes.length === 0) return 0;
    const candidates = await tx
      .select({ caseId: reportSamples.caseId })
      .from(reportSamples)
      .where(
        and(
          eq(reportSamples.metric, METRIC.caseSwitched),
          gte(reportSamples.at, week),
          lt(reportSamples.at, weekEnd),
          inArray(reportSamples.inbox, [...inboxes]),
        ),
      )
      .orderBy(asc(reportSamples.caseId));
    const pool = candidates.map((c) => c.caseId);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    let added = 0;
    for (const caseId of pool.slice(0, size)) {
      const [latest] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(sql`COALESCE(${conversations.caseId}, ${conversations.id}) = ${caseId}`, isNull(conversations.mergedIntoId)))
        .orderBy(desc(conversations.id))
        .limit(1);
      if (!latest) continue;
      await tx.insert(continuityReviews).values({ caseId, conversationId: latest.id, week }).onConflictDoNothing();
      added++;
    }
    return added;
  });
}

export interface ReviewItem {
  id: number;
  caseId: number;
  conversationId: number;
  contactName: string | null;
  channel: string;
  answer: "yes" | "no" | null;
}

/**
 * The review items of a week, in the order they were queued.
 *
 * @example
 * const items = await reviewItems(db, weekStart);
 */
export async function reviewItems(db: Queryable, week: number): Promise<ReviewItem[]> {
  return db
    .select({
      id: continuityReviews.id,
      caseId: continuityReviews.caseId,
      conversationId: continuityReviews.conversationId,
      contactName: contacts.name,
      channel: conversations.channel,
      answer: continuityReviews.answer,
    })
    .from(continuityReviews)
    .innerJoin(conversations, eq(conversations.id, continuityReviews.conversationId))
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(continuityReviews.week, week))
    .orderBy(asc(continuityReviews.id));
}

/**
 * Records a lead's answer on a case (a later answer replaces it). A case not in a sample is added to
 * the week it began in. Throws SWB_ERR_NOT_FOUND when the case has no conversation.
 *
 * @example
 * await answerReview(store, 12, "yes", agent.id, Date.now(), "Europe/Berlin");
 */
export async function answerReview(
  store: Pick<Store, "write">,
  caseId: number,
  answer: "yes" | "no",
  reviewerId: number,
  now: number,
  timeZone: string,
): Promise<void> {
  await store.write(async (tx) => {
    const members = await tx
      .select({ id: conversations.id, createdAt: conversations.createdAt })
      .from(conversations)
      .where(and(sql`COALESCE(${conversations.caseId}, ${conversations.id}) = ${caseId}`, isNull(conversations.mergedIntoId)))
      .orderBy(asc(conversations.id));
    const latest = members.at(-1);
    if (!latest) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no case ${caseId}. Reload the review queue.`);
    const week = weekOf(members[0]!.createdAt, timeZone)[0];
    await tx
      .insert(continuityReviews)
      .values({ caseId, conversationId: latest.id, week, answer, reviewerId, reviewedAt: now })
      .onConflictDoUpdate({ target: continuityReviews.caseId, set: { answer, reviewerId, reviewedAt: now } });
  });
}
