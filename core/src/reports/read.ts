/**
 * Reading aggregated samples for a period and filters: from the daily rollups when the period is
 * made of whole local days, the hourly ones when of whole hours, else (and with a label filter,
 * which rollups do not carry) from the samples themselves. Grouped by any dimension (channel, day,
 * nothing), ready for kpis.ts.
 */
import { and, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { reportRollups, reportSamples } from "../store/schema.ts";
import { type Agg, apply, emptyAgg, merge } from "./aggregate.ts";
import { alignedTo } from "./periods.ts";

export interface ReportFilter {
  /** [from, to) in ms. */
  from: number;
  to: number;
  /** The inboxes that count (the viewer's, narrowed by an inbox filter). */
  inboxes: readonly string[];
  channel?: string;
  teamId?: number;
  agentId?: number;
  /** A label name: read from the samples, joined with the conversations' labels. */
  label?: string;
}

/** What a row is grouped by: its channel, inbox, bucket start, or anything else. */
export interface Row {
  metric: string;
  inbox: string;
  channel: string;
  teamId: number;
  agentId: number;
  /** The bucket start (rollups) or the sample's instant. */
  at: number;
}

export type Grouped = Map<string, Map<string, Agg>>;

/** Where the period was read from (the bench and tests check this). */
export type Source = "day" | "hour" | "samples";

/**
 * The source a filter reads from.
 *
 * @example
 * sourceFor(filter, "Europe/Berlin"); // "day" for a whole week
 */
export function sourceFor(filter: ReportFilter, timeZone: string): Source {
  if (filter.label) return "samples";
  if (alignedTo("day", filter.from, filter.to, timeZone)) return "day";
  if (alignedTo("hour", filter.from, filter.to, timeZone)) return "hour";
  return "samples";
}

function add(into: Grouped, group: string, metric: string, agg: Agg): void {
  let metrics = into.get(group);
  if (!metrics) {
    metrics = new Map();
    into.set(group, metrics);
  }
  const existing = metrics.get(metric);
  metrics.set(metric, existing ? merge(existing, agg) : merge(emptyAgg(), agg));
}

/**
 * Aggregates by `groupOf(row)` over a period and filters.
 *
 * @example
 * const byChannel = await readGrouped(db, filter, "Europe/Berlin", (r) => r.channel);
 */
export async function readGrouped(
  db: Queryable,
  filter: ReportFilter,
  timeZone: string,
  groupOf: (row: Row) => string,
): Promise<{ groups: Grouped; source: Source }> {
  const groups: Grouped = new Map();
  const source = sourceFor(filter, timeZone);
  if (filter.inboxes.length === 0) return { groups, source };
  if (source !== "samples") {
    const where: (SQL | undefined)[] = [
      sql`${reportRollups.grain} = ${source}`,
      gte(reportRollups.bucket, filter.from),
      lt(reportRollups.bucket, filter.to),
      inArray(reportRollups.inbox, [...filter.inboxes]),
      filter.channel ? sql`${reportRollups.channel} = ${filter.channel}` : undefined,
      filter.teamId !== undefined ? sql`${reportRollups.teamId} = ${filter.teamId}` : undefined,
      filter.agentId !== undefined ? sql`${reportRollups.agentId} = ${filter.agentId}` : undefined,
    ];
    for (const r of await db
      .select()
      .from(reportRollups)
      .where(and(...where))) {
      add(groups, groupOf({ ...r, at: r.bucket }), r.metric, r);
    }
    return { groups, source };
  }
  const where: (SQL | undefined)[] = [
    gte(reportSamples.at, filter.from),
    lt(reportSamples.at, filter.to),
    inArray(reportSamples.inbox, [...filter.inboxes]),
    filter.channel ? sql`${reportSamples.channel} = ${filter.channel}` : undefined,
    filter.teamId !== undefined ? sql`${reportSamples.teamId} = ${filter.teamId}` : undefined,
    filter.agentId !== undefined ? sql`${reportSamples.agentId} = ${filter.agentId}` : undefined,
    filter.label
      ? sql`${reportSamples.conversationId} IN (SELECT cl.conversation_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id WHERE l.name = ${filter.label})`
      : undefined,
  ];
  for (const s of await db
    .select()
    .from(reportSamples)
    .where(and(...where))) {
    const agg = emptyAgg();
    apply(agg, s.metric, s, 1);
    add(groups, groupOf(s), s.metric, agg);
  }
  return { groups, source };
}
