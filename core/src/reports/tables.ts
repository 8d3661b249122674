/**
 * The tables of the Reports page as data: a caption, a header and cells (text and the link to the
 * conversations behind the number). The page renders them and the CSV export writes the same text,
 * so the CSV always matches the table.
 */
import { localDateTime } from "../business-hours/zone.ts";
import type { Dashboard } from "./dashboard.ts";
import type { ConversationReportRow } from "./drill.ts";
import type { KpiReport } from "./kpis.ts";
import { type ReportQuery, reportHref } from "./query.ts";

export interface Cell {
  text: string;
  href?: string;
}

export interface Table {
  id: TableId;
  caption: string;
  header: string[];
  rows: Cell[][];
}

export const TABLE_IDS = ["channels", "first_response", "audit", "daily", "switches", "utilisation", "assistant"] as const;
export type TableId = (typeof TABLE_IDS)[number];

/**
 * A duration in words: "45 s", "12 min", "1 h 30 min", "2 d 4 h".
 *
 * @example
 * duration(5_400_000); // "1 h 30 min"
 */
export function duration(ms: number | null): string {
  if (ms === null) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A share as a percentage with one decimal ("66.7%"), or "–". */
export const percent = (rate: number | null) => (rate === null ? "–" : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);
const num = (n: number | null, digits = 1) => (n === null ? "–" : String(Math.round(n * 10 ** digits) / 10 ** digits));
const DRILL = "/inbox/reports/conversations";

/** The columns of the per-channel comparison, each with the metric its link drills into. */
const KPI_COLUMNS: { header: string; metric: string; value?: number; text: (r: KpiReport) => string }[] = [
  { header: "Cases", metric: "case", text: (r) => String(r.cases) },
  { header: "Customer messages", metric: "customer_message", text: (r) => String(r.customerMessages) },
  { header: "First response (median)", metric: "first_response", text: (r) => duration(r.firstResponse.median) },
  { header: "First response (p90)", metric: "first_response", text: (r) => duration(r.firstResponse.p90) },
  { header: "Next response (median)", metric: "next_response", text: (r) => duration(r.nextResponse.median) },
  { header: "Resolution (median)", metric: "resolution", text: (r) => duration(r.resolution.median) },
  { header: "Resolution (p90)", metric: "resolution", text: (r) => duration(r.resolution.p90) },
  { header: "First-contact resolution", metric: "fcr", text: (r) => percent(r.fcr.rate) },
  { header: "Repeat contacts", metric: "repeat", text: (r) => percent(r.repeat.rate) },
  { header: "Channel switching", metric: "case_switched", text: (r) => percent(r.switching.rate) },
  { header: "Reopens", metric: "reopen", text: (r) => String(r.reopens) },
  { header: "CSAT (mean)", metric: "csat", text: (r) => num(r.csat.mean, 2) },
  { header: "CSAT (4-5)", metric: "csat", text: (r) => percent(r.csat.satisfied.rate) },
  { header: "CES (median)", metric: "ces", text: (r) => num(r.ces.median) },
  { header: "NPS", metric: "nps", text: (r) => (r.nps.score === null ? "–" : String(r.nps.score)) },
  { header: "SLA first response", metric: "sla:first_response:*", text: (r) => percent(r.sla[0]!.rate) },
  { header: "Handle time", metric: "handle", text: (r) => duration(r.handleMs) },
  {
    header: "Cost per resolution",
    metric: "resolution",
    text: (r) => (r.costPerResolution === null ? "–" : r.costPerResolution.toFixed(2)),
  },
];

/**
 * The tables of a dashboard.
 *
 * @example
 * const tables = dashboardTables(dashboard, q);
 */
export function dashboardTables(d: Dashboard, q: ReportQuery): Table[] {
  const filters: Partial<ReportQuery> = { ...q, metric: undefined, period: undefined, value: undefined };
  const link = (metric: string, period: "current" | "previous", channel?: string) =>
    reportHref(DRILL, filters, { metric, period, channel: channel ?? q.channel });
  const day = (at: number) => {
    const l = localDateTime(at, d.timeZone);
    return `${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}`;
  };
  const kpiRow = (channel: string, label: string, r: KpiReport, period: "current" | "previous", filterChannel?: string): Cell[] => [
    { text: channel },
    { text: label },
    ...KPI_COLUMNS.map((col) => ({ text: col.text(r), href: link(col.metric, period, filterChannel) })),
  ];
  const channels: Table = {
    id: "channels",
    caption: "This period against the one before, per channel",
    header: ["Channel", "Period", ...KPI_COLUMNS.map((c) => c.header)],
    rows: [
      kpiRow("All channels", "this", d.total, "current"),
      kpiRow("All channels", "before", d.previousTotal, "previous"),
      ...d.channels.flatMap((c) => [
        kpiRow(c.channel, "this", c.current, "current", c.channel),
        kpiRow(c.channel, "before", c.previous, "previous", c.channel),
      ]),
    ],
  };
  const audit: Table = {
    id: "audit",
    caption: "Channel audit",
    header: ["Channel", "Volume (cases)", "First response (mean)", "CSAT (mean)", "Team responsible"],
    rows: d.audit.map((a) => [
      { text: a.channel },
      { text: String(a.volume), href: link("case", "current", a.channel) },
      { text: duration(a.firstResponseMeanMs), href: link("first_response", "current", a.channel) },
      { text: num(a.csatMean, 2), href: link("csat", "current", a.channel) },
      { text: a.teams.join(", ") || "every agent" },
    ]),
  };
  const channelNames = d.channels.map((c) => c.channel);
  const daily: Table = {
    id: "daily",
    caption: "Cases per day and channel",
    header: ["Day", ...channelNames],
    rows: d.daily.map((row) => [
      { text: day(row.day) },
      ...channelNames.map((ch) => ({
        text: String(row.counts[ch] ?? 0),
        href: reportHref(DRILL, { ...filters, from: day(row.day), to: day(row.day) }, { metric: "case", period: "current", channel: ch }),
      })),
    ]),
  };
  const switches: Table = {
    id: "switches",
    caption: "Channel switches inside cases (from → to)",
    header: ["From", "To", "Cases"],
    rows: d.total.switching.switches.map((s) => [
      { text: s.from },
      { text: s.to },
      { text: String(s.n), href: link(`switch:${s.from}>${s.to}`, "current") },
    ]),
  };
  const utilisation: Table = {
    id: "utilisation",
    caption: "Agent utilisation (handle time against time online)",
    header: ["Agent", "Online", "Handle time", "Utilisation"],
    rows: d.utilisation.map((u) => [
      { text: u.name },
      { text: duration(u.onlineMs) },
      { text: duration(u.handleMs), href: reportHref(DRILL, filters, { metric: "handle", period: "current", agent: u.agentId }) },
      { text: percent(u.rate) },
    ]),
  };
  const firstResponse: Table = {
    id: "first_response",
    caption: "Median first response per channel",
    header: ["Channel", "This period", "Period before"],
    rows: d.channels.map((c) => [
      { text: c.channel },
      { text: duration(c.current.firstResponse.median), href: link("first_response", "current", c.channel) },
      { text: duration(c.previous.firstResponse.median), href: link("first_response", "previous", c.channel) },
    ]),
  };
  const a = d.assistant;
  const assistant: Table = {
    id: "assistant",
    caption: "AI suggestion acceptance",
    header: ["Acceptance", "Used", "Edited", "Ignored", "Not decided"],
    rows: [
      [
        { text: percent(a.rate) },
        { text: String(a.used) },
        { text: String(a.edited) },
        { text: String(a.ignored) },
        { text: String(a.shown) },
      ],
    ],
  };
  return [channels, firstResponse, audit, daily, switches, utilisation, assistant];
}

/**
 * The one-row-per-conversation table.
 *
 * @example
 * const table = conversationTable(rows);
 */
export function conversationTable(rows: ConversationReportRow[]): { header: string[]; rows: (string | number | null)[][] } {
  return {
    header: [
      "conversation",
      "case",
      "inbox",
      "channel",
      "status",
      "customer_messages",
      "first_response_ms",
      "next_responses",
      "resolution_ms",
      "reopens",
      "first_contact_resolution",
      "handle_ms",
      "csat",
      "ces",
    ],
    rows: rows.map((r) => [
      r.conversationId,
      r.caseId,
      r.inbox,
      r.channel,
      r.status,
      r.customerMessages,
      r.firstResponseMs,
      r.nextResponses,
      r.resolutionMs,
      r.reopens,
      r.fcr,
      r.handleMs,
      r.csat,
      r.ces,
    ]),
  };
}
