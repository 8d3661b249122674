/**
 * Reading a reports query from a URL (the inbox page, REST, CSV): dates, filters and the
 * business-hours toggle, each refused with a 422 and a reason when malformed.
 */
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { DashboardQuery } from "./dashboard.ts";
import { METRIC_PATTERN } from "./drill.ts";

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'write a date as "YYYY-MM-DD"' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), { message: "not a calendar date" });
const name = z
  .string()
  .max(64)
  .regex(/^[\w .:-]*$/u, { message: "use letters, digits, spaces and . _ : -" });
const id = z.coerce.number().int().positive();
const empty = (v: unknown) => (v === "" ? undefined : v);

export const reportQuerySchema = z
  .object({
    from: z.preprocess(empty, date.optional()),
    to: z.preprocess(empty, date.optional()),
    inbox: z.preprocess(empty, name.optional()),
    channel: z.preprocess(empty, name.optional()),
    team: z.preprocess(empty, id.optional()),
    agent: z.preprocess(empty, id.optional()),
    label: z.preprocess(empty, name.optional()),
    hours: z.preprocess(empty, z.enum(["business", "clock"]).optional()),
    /** Drill-down: the metric, the period (this one or the one before) and an exact value. */
    metric: z.preprocess(empty, z.string().max(80).regex(METRIC_PATTERN, { message: "not a report metric" }).optional()),
    period: z.preprocess(empty, z.enum(["current", "previous"]).optional()),
    value: z.preprocess(empty, z.coerce.number().int().optional()),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: "give both from and to, or neither (this week)",
    path: ["to"],
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must be on or before to", path: ["from"] })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    message: "a period spans at most 366 days",
    path: ["to"],
  });

export type ReportQuery = z.output<typeof reportQuerySchema>;

/**
 * Parses URL query parameters; throws SWB_ERR_VALIDATION (422) naming the field and the fix.
 *
 * @example
 * const q = parseReportQuery(c.req.query());
 */
export function parseReportQuery(params: Record<string, string>): ReportQuery {
  const parsed = reportQuerySchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SwitchboardError(ErrorCodes.VALIDATION, `${issue.path.join(".") || "query"}: ${issue.message}.`);
  }
  return parsed.data;
}

/**
 * The dashboard query of a parsed report query.
 *
 * @example
 * buildDashboard(db, config, viewer, dashboardQuery(q), now, channelOf);
 */
export function dashboardQuery(q: ReportQuery): DashboardQuery {
  return {
    from: q.from,
    to: q.to,
    inbox: q.inbox,
    channel: q.channel,
    teamId: q.team,
    agentId: q.agent,
    label: q.label,
    business: q.hours === "business",
  };
}

/**
 * The URL query of a report query (for links that keep the filters), with changes.
 *
 * @example
 * reportHref("/inbox/reports/conversations", q, { metric: "first_response" });
 */
export function reportHref(path: string, q: Partial<ReportQuery>, changes: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...q, ...changes })) if (value !== undefined && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
