/**
 * The conversations behind a number: the samples of one metric (or every metric, for the export of
 * one row per conversation) in a period and filters, with the conversation they were measured on.
 */
import { and, desc, eq, gte, inArray, like, lt, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { contacts, conversations, reportSamples } from "../store/schema.ts";
import type { ReportFilter } from "./read.ts";

export interface DrillRow {
  conversationId: number;
  caseId: number;
  contactName: string | null;
  inbox: string;
  channel: string;
  status: string;
  at: number;
  value: number;
  businessValue: number | null;
}

/** Metrics a drill-down may ask for ("first_response", "sla:first_response:miss", "switch:webchat>email", ...). */
export const METRIC_PATTERN = /^[a-z_]+(?::[a-z_]+(?::(?:hit|miss|\*))?|:[a-z0-9_-]+>[a-z0-9_-]+|:\*)?$/;

function where(filter: ReportFilter): (SQL | undefined)[] {
  return [
    gte(reportSamples.at, filter.from),
    lt(reportSamples.at, filter.to),
    inArray(reportSamples.inbox, filter.inboxes.length ? [...filter.inboxes] : [""]),
    filter.channel ? eq(reportSamples.channel, filter.channel) : undefined,
    filter.teamId !== undefined ? eq(reportSamples.teamId, filter.teamId) : undefined,
    filter.agentId !== undefined ? eq(reportSamples.agentId, filter.agentId) : undefined,
    filter.label
      ? sql`${reportSamples.conversationId} IN (SELECT cl.conversation_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id WHERE l.name = ${filter.label})`
      : undefined,
  ];
}

/**
 * The samples of `metric` in the filter, newest first, each with its conversation (at most `limit`).
 * `metric` may end in "*" for a family ("switch:*"). With `onlyValue`, only samples of that value
 * (first-contact resolution 0: the cases that were not).
 *
 * @example
 * const rows = await drillDown(db, filter, "first_response", 200);
 */
export async function drillDown(
  db: Queryable,
  filter: ReportFilter,
  metric: string,
  limit: number,
  onlyValue?: number,
): Promise<DrillRow[]> {
  return db
    .select({
      conversationId: reportSamples.conversationId,
      caseId: reportSamples.caseId,
      contactName: contacts.name,
      inbox: reportSamples.inbox,
      channel: reportSamples.channel,
      status: conversations.status,
      at: reportSamples.at,
      value: reportSamples.value,
      businessValue: reportSamples.businessValue,
    })
    .from(reportSamples)
    .innerJoin(conversations, eq(conversations.id, reportSamples.conversationId))
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        ...where(filter),
        metric.endsWith("*") ? like(reportSamples.metric, `${metric.slice(0, -1)}%`) : eq(reportSamples.metric, metric),
        onlyValue !== undefined ? eq(reportSamples.value, onlyValue) : undefined,
      ),
    )
    .orderBy(desc(reportSamples.at), desc(reportSamples.id))
    .limit(limit);
}

export interface ConversationReportRow {
  conversationId: number;
  caseId: number;
  inbox: string;
  channel: string;
  status: string;
  customerMessages: number;
  firstResponseMs: number | null;
  nextResponses: number;
  resolutionMs: number | null;
  reopens: number;
  fcr: number | null;
  handleMs: number;
  csat: number | null;
  ces: number | null;
}

/**
 * One row per conversation with samples in the filter: what was measured on it.
 *
 * @example
 * const rows = await conversationRows(db, filter);
 */
export async function conversationRows(db: Queryable, filter: ReportFilter, business = false): Promise<ConversationReportRow[]> {
  const value = business ? sql`COALESCE(${reportSamples.businessValue}, ${reportSamples.value})` : sql`${reportSamples.value}`;
  const count = (metric: string) => sql<number>`SUM(CASE WHEN ${reportSamples.metric} = ${metric} THEN 1 ELSE 0 END)`;
  const max = (metric: string) => sql<number | null>`MAX(CASE WHEN ${reportSamples.metric} = ${metric} THEN ${value} END)`;
  return db
    .select({
      conversationId: reportSamples.conversationId,
      caseId: sql<number>`MAX(${reportSamples.caseId})`,
      inbox: sql<string>`MAX(${reportSamples.inbox})`,
      channel: sql<string>`MAX(${reportSamples.channel})`,
      status: sql<string>`MAX(${conversations.status})`,
      customerMessages: count("customer_message"),
      firstResponseMs: max("first_response"),
      nextResponses: count("next_response"),
      resolutionMs: max("resolution"),
      reopens: count("reopen"),
      fcr: max("fcr"),
      handleMs: sql<number>`COALESCE(SUM(CASE WHEN ${reportSamples.metric} = 'handle' THEN ${reportSamples.value} END), 0)`,
      csat: max("csat"),
      ces: max("ces"),
    })
    .from(reportSamples)
    .innerJoin(conversations, eq(conversations.id, reportSamples.conversationId))
    .where(and(...where(filter)))
    .groupBy(reportSamples.conversationId)
    .orderBy(reportSamples.conversationId);
}
