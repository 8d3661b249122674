/** @jsxImportSource hono/jsx */
/**
 * /inbox/reports: the weekly review (this period against the one before, per channel), charts,
 * the channel audit and utilisation over the inboxes the agent may see; the conversations behind
 * any number; CSV of every table and one row per conversation; and the continuity review queue
 * (admins answer it).
 */
import { asc } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../../access/index.ts";
import { localDateTime } from "../../business-hours/zone.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import { lineChart, pairedBars } from "../../reports/charts.ts";
import { buildDashboard, filterFor, periodOf } from "../../reports/dashboard.ts";
import { drillDown } from "../../reports/drill.ts";
import { exportCsv } from "../../reports/export.ts";
import { reportsTimeZone } from "../../reports/options.ts";
import { weekOf } from "../../reports/periods.ts";
import { dashboardQuery, parseReportQuery } from "../../reports/query.ts";
import { answerReview, queueWeeklySample, reviewItems } from "../../reports/review.ts";
import { dashboardTables, TABLE_IDS, type TableId } from "../../reports/tables.ts";
import type { Services } from "../../services.ts";
import { agents, labels, teams } from "../../store/schema.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";
import { renderPage } from "../render.ts";
import { DrillPage, ReportsPage, ReviewPage } from "../views/reports.tsx";
import type { Shared } from "./admin/support.ts";

const DRILL_LIMIT = 500;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const answerForm = z.object({ answer: z.enum(["yes", "no"], { message: 'answer "yes" or "no"' }) });

export function reportRoutes(sb: Services, shared: Shared): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  const { db } = sb.store;
  const config = sb.loaded.config;
  const channelOf = (inbox: string) => sb.inboxes.get(inbox)?.channel;
  const timeZone = () => reportsTimeZone(config);

  app.get("/inbox/reports", async (c) => {
    const q = parseReportQuery(c.req.query());
    const viewer = c.get("viewer");
    const d = await buildDashboard(db, config, viewer, dashboardQuery(q), sb.clock.now(), channelOf);
    const tables = dashboardTables(d, q);
    const frtTable = tables.find((t) => t.id === "first_response")!;
    const minutes = (v: number) => `${Math.round(v / 60_000)} min`;
    const frt = pairedBars(
      "Median first response per channel: the period before and this one",
      d.channels.map((ch) => ({ name: ch.channel, current: ch.current.firstResponse.median, previous: ch.previous.firstResponse.median })),
      minutes,
    );
    const labelsOfDays = d.daily.map((row) => {
      const local = localDateTime(row.day, d.timeZone);
      return d.daily.length <= 7 ? WEEKDAYS[local.weekday]! : `${local.day}/${local.month}`;
    });
    const volume = lineChart(
      "Cases per day and channel",
      labelsOfDays,
      d.channels.map((ch) => ({ name: ch.channel, values: d.daily.map((row) => row.counts[ch.channel] ?? 0) })),
    );
    const [teamRows, agentRows, labelRows] = await Promise.all([
      db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)),
      db.select({ id: agents.id, name: agents.name }).from(agents).orderBy(asc(agents.name)),
      db.select({ name: labels.name }).from(labels).orderBy(asc(labels.name)),
    ]);
    const choices = {
      inboxes: viewer.inboxes,
      channels: [
        ...new Set(
          [...viewer.inboxes.map(channelOf), ...d.channels.map((ch) => ch.channel)].filter((ch): ch is string => ch !== undefined),
        ),
      ].sort(),
      teams: teamRows,
      agents: agentRows,
      labels: labelRows.map((l) => l.name),
    };
    return renderPage(
      c,
      <ReportsPage
        page={{ ...shared, session: c.get("session") }}
        dashboard={d}
        q={q}
        choices={choices}
        tables={tables}
        charts={{ frt, frtTable, volume }}
      />,
    );
  });

  app.get("/inbox/reports/conversations", async (c) => {
    const q = parseReportQuery(c.req.query());
    if (!q.metric)
      throw new SwitchboardError(ErrorCodes.VALIDATION, "metric: name the number to drill into (for example metric=first_response).");
    const { period, previous } = periodOf(q, timeZone(), sb.clock.now());
    const filter = filterFor(c.get("viewer"), dashboardQuery(q), q.period === "previous" ? previous : period);
    const rows = await drillDown(db, filter, q.metric, DRILL_LIMIT, q.value);
    return renderPage(
      c,
      <DrillPage
        page={{ ...shared, session: c.get("session") }}
        q={q}
        rows={rows}
        title={`Conversations behind ${q.metric.replaceAll("_", " ")}`}
        business={q.hours === "business"}
        limit={DRILL_LIMIT}
      />,
    );
  });

  app.get("/inbox/reports/export.csv", async (c) => {
    const q = parseReportQuery(c.req.query());
    const table = c.req.query("table") ?? "";
    const viewer = c.get("viewer");
    if (table !== "conversations" && !(TABLE_IDS as readonly string[]).includes(table))
      throw new SwitchboardError(ErrorCodes.VALIDATION, `table: choose one of ${[...TABLE_IDS, "conversations"].join(", ")}.`);
    const csv = await exportCsv(db, config, viewer, q, table as TableId | "conversations", sb.clock.now(), channelOf);
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="switchboard-${table}.csv"`,
    });
  });

  app.get("/inbox/reports/review", async (c) => {
    const viewer = c.get("viewer");
    requireAdmin(viewer, "see the continuity review queue");
    const [week, weekEnd] = weekOf(sb.clock.now(), timeZone());
    await queueWeeklySample(sb.store, week, weekEnd, config.reports.review_sample, Math.random, viewer.inboxes);
    const local = localDateTime(week, timeZone());
    const label = `${local.year}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`;
    return renderPage(
      c,
      <ReviewPage
        page={{ ...shared, session: c.get("session") }}
        items={await reviewItems(db, week)}
        week={label}
        canAnswer={viewer.admin}
      />,
    );
  });

  app.post("/inbox/reports/review/:id", async (c) => {
    requireAdmin(c.get("viewer"), "answer the continuity review");
    const id = idParam(c);
    const parsed = answerForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new SwitchboardError(ErrorCodes.VALIDATION, `answer: ${parsed.error.issues[0]!.message}.`);
    await answerReview(sb.store, id, parsed.data.answer, c.get("session").agent.id, sb.clock.now(), timeZone());
    return c.redirect(`/inbox/reports/review#review-${id}`, 303);
  });

  return app;
}
