/**
 * SLA and satisfaction results for reporting: a conversation's SLA clocks with their outcomes, and
 * hit/miss counts per target (optionally per inbox, channel family and time window) with the CSAT
 * and CES averages.
 */
import { z } from "@hono/zod-openapi";
import { and, avg, count, eq, gte, inArray, isNotNull, lt } from "drizzle-orm";
import { visibleConversation } from "../../access/index.ts";
import type { Services } from "../../services.ts";
import { CHANNEL_FAMILIES } from "../../sla/policy.ts";
import { conversations, csatResponses, slaClocks } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Reports");
const millis = z.number().int();
const target = z.enum(["first_response", "next_response", "resolution"]);

const ClockSchema = z
  .object({
    target,
    target_ms: z.number().int().openapi({ description: "The target in business milliseconds" }),
    started_at: millis,
    elapsed_ms: z.number().int().openapi({ description: "Business milliseconds used (up to the last pause or stop)" }),
    due_at: millis.nullable().openapi({ description: "When it is due while running; null while paused or stopped" }),
    warned_at: millis.nullable(),
    breached_at: millis.nullable(),
    stopped_at: millis.nullable(),
    outcome: z.enum(["hit", "miss", "cancelled"]).nullable(),
  })
  .openapi("SlaClock");

const ReportQuery = z.object({
  from: z.coerce.number().int().optional().openapi({ description: "Clocks started at or after (ms since the epoch)" }),
  to: z.coerce.number().int().optional().openapi({ description: "Clocks started before (ms since the epoch)" }),
  inbox: z.string().max(64).optional(),
  family: z
    .enum(CHANNEL_FAMILIES)
    .optional()
    .openapi({ description: "Only inboxes whose channel is of this family (what its plugin declares)" }),
});

const ReportSchema = z
  .object({
    sla: z.array(z.object({ target, hit: z.number().int(), miss: z.number().int(), cancelled: z.number().int() })),
    csat: z.object({ responses: z.number().int(), average_score: z.number().nullable(), average_ces: z.number().nullable() }),
  })
  .openapi("SlaReport");

const clocks = route({
  method: "get",
  path: "/conversations/{id}/sla",
  summary: "A conversation's SLA clocks",
  request: { params: IdParams },
  responses: { 200: json(z.object({ data: z.array(ClockSchema) }), "Every clock, oldest first") },
  errors: [404],
});

const report = route({
  method: "get",
  path: "/reports/sla",
  summary: "SLA hits and misses per target, with CSAT and CES averages",
  request: { query: ReportQuery },
  responses: { 200: json(ReportSchema, "Counts over the inboxes the token may see") },
  errors: [422],
});

/**
 * Registers GET /conversations/{id}/sla and GET /reports/sla.
 *
 * @example
 * registerSlaRoutes(v1, switchboard);
 */
export function registerSlaRoutes(app: ApiApp, sb: Services): void {
  const { db } = sb.store;

  app.openapi(clocks, async (c) => {
    const { id } = c.req.valid("param");
    await visibleConversation(db, c.get("viewer"), id);
    const rows = await db.select().from(slaClocks).where(eq(slaClocks.conversationId, id)).orderBy(slaClocks.id);
    const data = rows.map((k) => ({
      target: k.target,
      target_ms: k.targetMs,
      started_at: k.startedAt,
      elapsed_ms: k.elapsedMs,
      due_at: k.dueAt,
      warned_at: k.warnedAt,
      breached_at: k.breachedAt,
      stopped_at: k.stoppedAt,
      outcome: k.outcome,
    }));
    return c.json({ data }, 200);
  });

  app.openapi(report, async (c) => {
    const q = c.req.valid("query");
    const familyOf = (inbox: string) => sb.registry.familyOf(sb.inboxes.get(inbox)?.channel ?? "");
    const inboxes = c.get("viewer").inboxes.filter((i) => (!q.inbox || i === q.inbox) && (!q.family || familyOf(i) === q.family));
    const scope = inArray(conversations.inbox, inboxes.length ? inboxes : [""]);
    const rows = await db
      .select({ target: slaClocks.target, outcome: slaClocks.outcome, n: count() })
      .from(slaClocks)
      .innerJoin(conversations, eq(conversations.id, slaClocks.conversationId))
      .where(
        and(
          scope,
          isNotNull(slaClocks.outcome),
          q.from !== undefined ? gte(slaClocks.startedAt, q.from) : undefined,
          q.to !== undefined ? lt(slaClocks.startedAt, q.to) : undefined,
        ),
      )
      .groupBy(slaClocks.target, slaClocks.outcome);
    const sla = (["first_response", "next_response", "resolution"] as const).map((t) => {
      const of = (outcome: string) => rows.find((r) => r.target === t && r.outcome === outcome)?.n ?? 0;
      return { target: t, hit: of("hit"), miss: of("miss"), cancelled: of("cancelled") };
    });
    const [survey] = await db
      .select({ responses: count(csatResponses.score), score: avg(csatResponses.score), ces: avg(csatResponses.ces) })
      .from(csatResponses)
      .innerJoin(conversations, eq(conversations.id, csatResponses.conversationId))
      .where(
        and(
          scope,
          q.from !== undefined ? gte(csatResponses.sentAt, q.from) : undefined,
          q.to !== undefined ? lt(csatResponses.sentAt, q.to) : undefined,
        ),
      );
    const number = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
    return c.json(
      { sla, csat: { responses: survey?.responses ?? 0, average_score: number(survey?.score), average_ces: number(survey?.ces) } },
      200,
    );
  });
}
