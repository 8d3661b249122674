/**
 * What the Reports page and the REST routes show: a period (this week by default) against the one
 * before it, in total and per channel, the daily volume per channel, the channel audit, agent
 * utilisation and the context-continuity score; all over the inboxes the viewer may see, narrowed
 * by the filters.
 */
import { and, asc, count, eq, gte, inArray, lt } from "drizzle-orm";
import type { Viewer } from "../access/index.ts";
import { addDays, zonedInstant } from "../business-hours/zone.ts";
import type { SwitchboardConfig } from "../config/schema.ts";
import type { Queryable } from "../store/index.ts";
import {
  agentAvailabilityLog,
  agents,
  assistantSuggestions,
  continuityReviews,
  conversations,
  teamInboxes,
  teams,
} from "../store/schema.ts";
import type { Agg } from "./aggregate.ts";
import { type KpiReport, kpiReport } from "./kpis.ts";
import { METRIC } from "./metrics.ts";
import { reportsTimeZone } from "./options.ts";
import { dayOf, weekOf } from "./periods.ts";
import { type ReportFilter, readGrouped, type Source } from "./read.ts";

export interface DashboardQuery {
  /** Local dates "YYYY-MM-DD", `to` included; default: this week. */
  from?: string;
  to?: string;
  inbox?: string;
  channel?: string;
  teamId?: number;
  agentId?: number;
  label?: string;
  /** Durations in business time. */
  business?: boolean;
}

export interface Period {
  from: number;
  to: number;
}

export interface ChannelRow {
  channel: string;
  current: KpiReport;
  previous: KpiReport;
}

export interface AuditRow {
  channel: string;
  /** Cases started this period. */
  volume: number;
  firstResponseMeanMs: number | null;
  csatMean: number | null;
  teams: string[];
}

export interface Dashboard {
  timeZone: string;
  period: Period;
  previous: Period;
  business: boolean;
  source: Source;
  total: KpiReport;
  previousTotal: KpiReport;
  channels: ChannelRow[];
  /** Cases per local day and channel, over the period. */
  daily: { day: number; counts: Record<string, number> }[];
  audit: AuditRow[];
  utilisation: { agentId: number; name: string; onlineMs: number; handleMs: number; rate: number | null }[];
  continuity: { yes: number; no: number; pending: number; score: number | null; target: number };
  /** CSAT consistency: the share of 4-5 scores per channel (channels with answers), and highest minus lowest. */
  csatConsistency: { byChannel: { channel: string; rate: number; n: number }[]; spread: number | null };
  /** AI suggestions offered in the period: used as written or edited, of those decided (docs/kpis.md). */
  assistant: { shown: number; used: number; edited: number; ignored: number; rate: number | null };
}

type Config = Pick<SwitchboardConfig, "reports" | "business_hours">;

const parseDate = (text: string) => {
  const [year, month, day] = text.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};

/**
 * The period of a query in a zone: [from 00:00, the day after `to` 00:00), else this week; and the
 * period of the same length just before it.
 *
 * @example
 * periodOf({ from: "2026-03-23", to: "2026-03-29" }, "Europe/Berlin", Date.now());
 */
export function periodOf(query: Pick<DashboardQuery, "from" | "to">, timeZone: string, now: number): { period: Period; previous: Period } {
  if (!query.from || !query.to) {
    const [from, to] = weekOf(now, timeZone);
    const [pFrom, pTo] = weekOf(now, timeZone, -1);
    return { period: { from, to }, previous: { from: pFrom, to: pTo } };
  }
  const start = parseDate(query.from);
  const end = addDays(parseDate(query.to), 1);
  const days = Math.round((Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000);
  const before = addDays(start, -days);
  return {
    period: {
      from: zonedInstant(start.year, start.month, start.day, 0, timeZone),
      to: zonedInstant(end.year, end.month, end.day, 0, timeZone),
    },
    previous: {
      from: zonedInstant(before.year, before.month, before.day, 0, timeZone),
      to: zonedInstant(start.year, start.month, start.day, 0, timeZone),
    },
  };
}

/**
 * The report filter of a query for a viewer over a period (only the inboxes the viewer may see).
 *
 * @example
 * const filter = filterFor(viewer, query, period);
 */
export function filterFor(viewer: Pick<Viewer, "inboxes">, query: DashboardQuery, period: Period): ReportFilter {
  return {
    ...period,
    inboxes: viewer.inboxes.filter((i) => !query.inbox || i === query.inbox),
    channel: query.channel,
    teamId: query.teamId,
    agentId: query.agentId,
    label: query.label,
  };
}

const EMPTY = new Map<string, Agg>();

/**
 * Everything the Reports page shows.
 *
 * @example
 * const dashboard = await buildDashboard(db, config, viewer, { business: true }, Date.now(), (i) => sb.inboxes.get(i)?.channel);
 */
export async function buildDashboard(
  db: Queryable,
  config: Config,
  viewer: Viewer,
  query: DashboardQuery,
  now: number,
  channelOf: (inbox: string) => string | undefined,
): Promise<Dashboard> {
  const timeZone = reportsTimeZone(config);
  const business = query.business ?? false;
  const { period, previous } = periodOf(query, timeZone, now);
  const options = { business, hourlyCost: config.reports.agent_hourly_cost };
  /** Each inbox's channel as measured (an inbox serves one channel). */
  const measured = new Map<string, string>();
  const current = await readGrouped(db, filterFor(viewer, query, period), timeZone, (r) => {
    measured.set(r.inbox, r.channel);
    return r.channel;
  });
  const before = await readGrouped(db, filterFor(viewer, query, previous), timeZone, (r) => r.channel);
  const byDay = await readGrouped(
    db,
    filterFor(viewer, query, period),
    timeZone,
    (r) => `${r.metric === METRIC.case ? dayOf(r.at, timeZone)[0] : 0}|${r.channel}`,
  );
  const all = (groups: Map<string, Map<string, Agg>>) => {
    const merged = new Map<string, Agg>();
    for (const metrics of groups.values())
      for (const [metric, agg] of metrics) {
        const into = merged.get(metric);
        merged.set(metric, into ? mergeAgg(into, agg) : cloneAgg(agg));
      }
    return merged;
  };
  const channelNames = [...new Set([...current.groups.keys(), ...before.groups.keys()])].sort();
  const channels = channelNames.map((channel) => ({
    channel,
    current: kpiReport(current.groups.get(channel) ?? EMPTY, options),
    previous: kpiReport(before.groups.get(channel) ?? EMPTY, options),
  }));

  const days: { day: number; counts: Record<string, number> }[] = [];
  for (let day = period.from; day < period.to; day = dayOf(day, timeZone)[1]) days.push({ day, counts: {} });
  for (const [key, metrics] of byDay.groups) {
    const [day, channel] = key.split("|") as [string, string];
    const entry = days.find((d) => d.day === Number(day));
    const cases = metrics.get(METRIC.case)?.n ?? 0;
    if (entry && cases > 0) entry.counts[channel] = (entry.counts[channel] ?? 0) + cases;
  }

  return {
    timeZone,
    period,
    previous,
    business,
    source: current.source,
    total: kpiReport(all(current.groups), options),
    previousTotal: kpiReport(all(before.groups), options),
    channels,
    daily: days,
    audit: await channelAudit(db, viewer, channels, (inbox) => measured.get(inbox) ?? channelOf(inbox)),
    utilisation: await utilisation(db, viewer, query, period, timeZone, now),
    continuity: await continuityScore(db, period),
    assistant: await assistantAcceptance(db, filterFor(viewer, query, period)),
    csatConsistency: csatConsistency(channels),
  };
}

function csatConsistency(channels: ChannelRow[]): Dashboard["csatConsistency"] {
  const byChannel = channels
    .filter((c) => c.current.csat.satisfied.rate !== null)
    .map((c) => ({ channel: c.channel, rate: c.current.csat.satisfied.rate!, n: c.current.csat.n }));
  const rates = byChannel.map((c) => c.rate);
  return { byChannel, spread: rates.length > 1 ? Math.max(...rates) - Math.min(...rates) : null };
}

function cloneAgg(a: Agg): Agg {
  return { n: a.n, sum: a.sum, businessSum: a.businessSum, values: [...a.values], businessValues: [...a.businessValues] };
}

function mergeAgg(into: Agg, from: Agg): Agg {
  into.n += from.n;
  into.sum += from.sum;
  into.businessSum += from.businessSum;
  if (from.values.length) {
    into.values = [...into.values, ...from.values].sort((x, y) => x - y);
    into.businessValues = [...into.businessValues, ...from.businessValues].sort((x, y) => x - y);
  }
  return into;
}

/** The channel audit: weekly volume, mean first response, CSAT and the teams serving each channel's inboxes. */
async function channelAudit(
  db: Queryable,
  viewer: Viewer,
  channels: ChannelRow[],
  channelOf: (inbox: string) => string | undefined,
): Promise<AuditRow[]> {
  const serving = await db
    .select({ inbox: teamInboxes.inbox, team: teams.name })
    .from(teamInboxes)
    .innerJoin(teams, eq(teams.id, teamInboxes.teamId))
    .where(inArray(teamInboxes.inbox, viewer.inboxes.length ? viewer.inboxes : [""]));
  return channels.map((c) => ({
    channel: c.channel,
    volume: c.current.cases,
    firstResponseMeanMs: c.current.firstResponse.mean,
    csatMean: c.current.csat.mean,
    teams: [...new Set(serving.filter((s) => channelOf(s.inbox) === c.channel).map((s) => s.team))].sort(),
  }));
}

/** Time online (from the availability history, up to now) against handle time, per agent, over the period. */
async function utilisation(db: Queryable, viewer: Viewer, query: DashboardQuery, period: Period, timeZone: string, now: number) {
  const people = await db.select({ id: agents.id, name: agents.name }).from(agents).orderBy(asc(agents.name));
  const handled = await readGrouped(db, filterFor(viewer, query, period), timeZone, (r) => String(r.agentId));
  const log = await db
    .select()
    .from(agentAvailabilityLog)
    .where(lt(agentAvailabilityLog.at, period.to))
    .orderBy(asc(agentAvailabilityLog.agentId), asc(agentAvailabilityLog.at));
  return people
    .filter((a) => query.agentId === undefined || a.id === query.agentId)
    .map((a) => {
      let online = 0;
      const mine = log.filter((l) => l.agentId === a.id);
      mine.forEach((l, i) => {
        if (l.availability !== "online") return;
        const start = Math.max(l.at, period.from);
        const end = Math.min(mine[i + 1]?.at ?? now, period.to, now);
        if (end > start) online += end - start;
      });
      const handleMs = handled.groups.get(String(a.id))?.get(METRIC.handle)?.sum ?? 0;
      return { agentId: a.id, name: a.name, onlineMs: online, handleMs, rate: online > 0 ? handleMs / online : null };
    })
    .filter((u) => u.onlineMs > 0 || u.handleMs > 0);
}

/** Suggestions created in the period in the filter's inboxes, by outcome; acceptance = (used + edited) ÷ decided. */
async function assistantAcceptance(db: Queryable, filter: ReportFilter) {
  const rows = await db
    .select({ outcome: assistantSuggestions.outcome, n: count() })
    .from(assistantSuggestions)
    .innerJoin(conversations, eq(conversations.id, assistantSuggestions.conversationId))
    .where(
      and(
        gte(assistantSuggestions.createdAt, filter.from),
        lt(assistantSuggestions.createdAt, filter.to),
        inArray(conversations.inbox, filter.inboxes.length ? [...filter.inboxes] : [""]),
        filter.channel ? eq(conversations.channel, filter.channel) : undefined,
        filter.teamId !== undefined ? eq(conversations.teamId, filter.teamId) : undefined,
        filter.agentId !== undefined ? eq(assistantSuggestions.agentId, filter.agentId) : undefined,
      ),
    )
    .groupBy(assistantSuggestions.outcome);
  const of = (outcome: string) => rows.find((r) => r.outcome === outcome)?.n ?? 0;
  const [shown, used, edited, ignored] = [of("shown"), of("used"), of("edited"), of("ignored")];
  const decided = used + edited + ignored;
  return { shown, used, edited, ignored, rate: decided > 0 ? (used + edited) / decided : null };
}

/** Yes ÷ (yes + no) of the reviews of weeks in the period. */
async function continuityScore(db: Queryable, period: Period) {
  const rows = await db
    .select({ answer: continuityReviews.answer })
    .from(continuityReviews)
    .where(and(gte(continuityReviews.week, period.from), lt(continuityReviews.week, period.to)));
  const yes = rows.filter((r) => r.answer === "yes").length;
  const no = rows.filter((r) => r.answer === "no").length;
  return { yes, no, pending: rows.length - yes - no, score: yes + no > 0 ? yes / (yes + no) : null, target: 0.9 };
}
