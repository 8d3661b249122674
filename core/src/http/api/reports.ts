/**
 * The reports over REST (docs/kpis.md): the dashboard (a period against the one before, per
 * channel, with the audit, daily volume, utilisation and continuity score), the conversations behind
 * any number, CSV of every table or one row per conversation, and a lead's continuity answer.
 * Everything is over the inboxes the token's agent may see.
 */
import { z } from "@hono/zod-openapi";
import { requireAdmin } from "../../access/index.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import { buildDashboard, filterFor, periodOf } from "../../reports/dashboard.ts";
import { drillDown } from "../../reports/drill.ts";
import { exportCsv } from "../../reports/export.ts";
import { reportsTimeZone } from "../../reports/options.ts";
import { dashboardQuery, parseReportQuery } from "../../reports/query.ts";
import { answerReview } from "../../reports/review.ts";
import { TABLE_IDS } from "../../reports/tables.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Reports");
const text = (description: string) => z.string().optional().openapi({ description });

const ReportQuery = z.object({
  from: text('First local day, "YYYY-MM-DD" (with `to`; default: this week)'),
  to: text('Last local day, "YYYY-MM-DD", included'),
  inbox: text("Only this inbox"),
  channel: text("Only this channel kind"),
  team: text("Only conversations of this team id"),
  agent: text("Only what this agent id did (replies, resolutions, handle time)"),
  label: text("Only conversations with this label"),
  hours: z.enum(["business", "clock"]).optional().openapi({ description: "Durations in business or clock time (default clock)" }),
});

const Summary = z.object({ n: z.number().int(), mean: z.number().nullable(), median: z.number().nullable(), p90: z.number().nullable() });
const Rate = z.object({ n: z.number(), of: z.number(), rate: z.number().nullable() });
const Kpis = z
  .object({
    cases: z.number().int(),
    customerMessages: z.number().int(),
    switching: Rate.extend({ switches: z.array(z.object({ from: z.string(), to: z.string(), n: z.number().int() })) }),
    repeat: Rate,
    fcr: Rate,
    reopens: z.number().int(),
    firstResponse: Summary,
    nextResponse: Summary,
    resolution: Summary,
    csat: Summary.extend({ satisfied: Rate }),
    ces: Summary,
    nps: z.object({ n: z.number().int(), score: z.number().nullable() }),
    handleMs: z.number(),
    costPerResolution: z.number().nullable(),
    sla: z.array(z.object({ target: z.string(), hit: z.number().int(), miss: z.number().int(), rate: z.number().nullable() })),
  })
  .openapi("Kpis", { description: "Durations in milliseconds; see docs/kpis.md for each definition" });
const Period = z.object({ from: z.number(), to: z.number() });
const DashboardSchema = z
  .object({
    timeZone: z.string(),
    period: Period,
    previous: Period,
    business: z.boolean(),
    source: z.enum(["day", "hour", "samples"]),
    total: Kpis,
    previousTotal: Kpis,
    channels: z.array(z.object({ channel: z.string(), current: Kpis, previous: Kpis })),
    daily: z.array(z.object({ day: z.number(), counts: z.record(z.string(), z.number()) })),
    audit: z.array(
      z.object({
        channel: z.string(),
        volume: z.number().int(),
        firstResponseMeanMs: z.number().nullable(),
        csatMean: z.number().nullable(),
        teams: z.array(z.string()),
      }),
    ),
    utilisation: z.array(
      z.object({ agentId: z.number(), name: z.string(), onlineMs: z.number(), handleMs: z.number(), rate: z.number().nullable() }),
    ),
    continuity: z.object({ yes: z.number(), no: z.number(), pending: z.number(), score: z.number().nullable(), target: z.number() }),
    csatConsistency: z.object({
      byChannel: z.array(z.object({ channel: z.string(), rate: z.number(), n: z.number().int() })),
      spread: z.number().nullable().openapi({ description: "Highest minus lowest channel share of 4-5 scores" }),
    }),
    assistant: z.object({
      shown: z.number().int(),
      used: z.number().int(),
      edited: z.number().int(),
      ignored: z.number().int(),
      rate: z.number().nullable().openapi({ description: "(used + edited) ÷ (used + edited + ignored)" }),
    }),
  })
  .openapi("ReportsDashboard");
const DrillRow = z
  .object({
    conversation_id: z.number().int(),
    case_id: z.number().int(),
    inbox: z.string(),
    channel: z.string(),
    status: z.string(),
    at: z.number(),
    value: z.number(),
    business_value: z.number().nullable(),
  })
  .openapi("ReportMeasurement");

const dashboard = route({
  method: "get",
  path: "/reports/dashboard",
  summary: "Every KPI for a period (default this week) against the one before, in total and per channel",
  request: { query: ReportQuery },
  responses: { 200: json(DashboardSchema, "The dashboard over the inboxes the token may see") },
  errors: [422],
});

const behind = route({
  method: "get",
  path: "/reports/conversations",
  summary: "The measurements behind a number, each with its conversation (newest first, at most 500)",
  request: {
    query: ReportQuery.extend({
      metric: z
        .string()
        .openapi({ description: 'The metric: "case", "first_response", "fcr", "sla:first_response:*", "switch:webchat>email", ...' }),
      period: z.enum(["current", "previous"]).optional(),
      value: z.string().optional().openapi({ description: "Only measurements of this value (fcr=0: cases not resolved at first contact)" }),
    }),
  },
  responses: { 200: json(z.object({ data: z.array(DrillRow) }), "The measurements") },
  errors: [422],
});

const exportRoute = route({
  method: "get",
  path: "/reports/export",
  summary: "A table of the dashboard as CSV (the same cells as the page), or one row per conversation",
  request: { query: ReportQuery.extend({ table: z.enum([...TABLE_IDS, "conversations"]) }) },
  responses: { 200: { description: "CSV (RFC 4180, CRLF)", content: { "text/csv": { schema: z.string() } } } },
  errors: [422],
});

const review = route({
  method: "post",
  path: "/reports/reviews/{id}",
  summary: "A lead's context-continuity answer on a case (admins): did the agent acknowledge the earlier interaction?",
  request: { params: IdParams, body: jsonBody(z.object({ answer: z.enum(["yes", "no"]) }).strict()) },
  responses: { 200: json(z.object({ case_id: z.number().int(), answer: z.enum(["yes", "no"]) }), "Recorded") },
  errors: [403, 404, 422],
});

/**
 * Registers the reports routes under /reports.
 *
 * @example
 * registerReportRoutes(v1, switchboard);
 */
export function registerReportRoutes(app: ApiApp, sb: Services): void {
  const { db } = sb.store;
  const config = sb.loaded.config;
  const channelOf = (inbox: string) => sb.inboxes.get(inbox)?.channel;
  const query = (c: { req: { query(): Record<string, string> } }) => parseReportQuery(c.req.query());

  app.openapi(dashboard, async (c) => {
    const q = query(c);
    return c.json(await buildDashboard(db, config, c.get("viewer"), dashboardQuery(q), sb.clock.now(), channelOf), 200);
  });

  app.openapi(behind, async (c) => {
    const q = query(c);
    if (!q.metric)
      throw new SwitchboardError(ErrorCodes.VALIDATION, "metric: name the number to drill into (for example metric=first_response).");
    const { period, previous } = periodOf(q, reportsTimeZone(config), sb.clock.now());
    const filter = filterFor(c.get("viewer"), dashboardQuery(q), q.period === "previous" ? previous : period);
    const rows = await drillDown(db, filter, q.metric, 500, q.value);
    const data = rows.map((r) => ({
      conversation_id: r.conversationId,
      case_id: r.caseId,
      inbox: r.inbox,
      channel: r.channel,
      status: r.status,
      at: r.at,
      value: r.value,
      business_value: r.businessValue,
    }));
    return c.json({ data }, 200);
  });

  app.openapi(exportRoute, async (c) => {
    const q = query(c);
    const table = c.req.valid("query").table;
    const viewer = c.get("viewer");
    const csv = await exportCsv(db, config, viewer, q, table, sb.clock.now(), channelOf);
    return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8" });
  });

  app.openapi(review, async (c) => {
    requireAdmin(c.get("viewer"), "answer the continuity review");
    const { id } = c.req.valid("param");
    const { answer } = c.req.valid("json");
    await answerReview(sb.store, id, answer, c.get("viewer").agentId, sb.clock.now(), reportsTimeZone(config));
    return c.json({ case_id: id, answer }, 200);
  });
}
