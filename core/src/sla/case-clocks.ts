/**
 * SLA clocks across a case (linked conversations of one customer about one matter, core/src/cases):
 * the customer's wait is the case's, not one channel's. These reads tell the tracker which other
 * conversations of the case wait on a response, and whether the case already had its first one.
 */
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { reusableQuery } from "../store/reusable.ts";
import { conversations, type SlaTarget, slaClocks } from "../store/schema.ts";
import type { SlaClock } from "./clocks.ts";

const RESPONSE: SlaTarget[] = ["first_response", "next_response"];

export interface CaseClocks {
  /** The other conversations of the case (merged-away ones left out), with inbox and team for their calendars. */
  siblings: { id: number; inbox: string; channel: string; teamId: number | null; status: "open" | "pending" | "snoozed" | "resolved" }[];
  /** Every clock of those conversations, stopped or not. */
  clocks: SlaClock[];
}

/** Built once (store/reusable.ts): the SLA tracker asks for every new conversation and every reply. */
const caseOf = reusableQuery((db) =>
  db
    .select({ caseId: conversations.caseId })
    .from(conversations)
    .where(eq(conversations.id, sql.placeholder("conversationId"))),
);

/**
 * The other conversations of `conversationId`'s case and their clocks; empty when it is in no case.
 *
 * @example
 * const { siblings, clocks } = await caseClocks(store.db, 42);
 */
export async function caseClocks(db: Queryable, conversationId: number): Promise<CaseClocks> {
  const [own] = await caseOf(db, { conversationId });
  if (!own || own.caseId === null) return { siblings: [], clocks: [] };
  const siblings = await db
    .select({
      id: conversations.id,
      inbox: conversations.inbox,
      channel: conversations.channel,
      teamId: conversations.teamId,
      status: conversations.status,
    })
    .from(conversations)
    .where(and(eq(conversations.caseId, own.caseId), ne(conversations.id, conversationId), isNull(conversations.mergedIntoId)));
  if (siblings.length === 0) return { siblings, clocks: [] };
  const clocks = await db
    .select()
    .from(slaClocks)
    .where(
      inArray(
        slaClocks.conversationId,
        siblings.map((s) => s.id),
      ),
    );
  return { siblings, clocks };
}

/** Whether another conversation of the case has a response clock running or paused: the customer is already waiting. */
export const caseWaiting = (c: CaseClocks) => c.clocks.some((k) => k.stoppedAt === null && RESPONSE.includes(k.target));

/** Whether the case had its first-response clock already (on the channel where the customer first wrote). */
export const caseHadFirstResponse = (c: CaseClocks) => c.clocks.some((k) => k.target === "first_response");
