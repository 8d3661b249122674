/**
 * Send-later messages: schedule a reply for later, list a conversation's scheduled messages, and
 * cancel one. A customer message cancels them all (core/src/conversations/send-later.ts).
 */
import { z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { visibleConversation } from "../../access/index.ts";
import { cancelScheduledMessage, type ScheduledMessage, scheduleMessage } from "../../conversations/send-later.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { scheduledMessages } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { instant } from "./instant.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Messages");
const millis = z.number().int().openapi({ description: "Milliseconds since the epoch (UTC)" });

const ScheduledSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    agent_id: z.number().int().nullable(),
    text: z.string(),
    send_at: millis,
    status: z.enum(["scheduled", "sent", "cancelled"]),
    message_id: z.number().int().nullable().openapi({ description: "The message it became, once sent" }),
    cancel_reason: z.string().nullable(),
    created_at: millis,
  })
  .openapi("ScheduledMessage");

const ScheduleBody = z
  .object({ text: z.string().trim().min(1, { message: "write some text" }).max(100_000), send_at: instant("When to send it") })
  .strict()
  .openapi("ScheduledMessageInput");

const create = route({
  method: "post",
  path: "/conversations/{id}/scheduled-messages",
  summary: "Schedule a reply for later",
  description: "Sent at send_at as the token's agent, unless the customer writes first: then it is cancelled.",
  request: { params: IdParams, body: jsonBody(ScheduleBody) },
  responses: { 201: json(ScheduledSchema, "The scheduled message") },
  errors: [404, 422],
});

const list = route({
  method: "get",
  path: "/conversations/{id}/scheduled-messages",
  summary: "A conversation's scheduled messages, newest first",
  request: { params: IdParams },
  responses: { 200: json(z.object({ data: z.array(ScheduledSchema) }), "Scheduled, sent and cancelled messages") },
  errors: [404],
});

const cancel = route({
  method: "delete",
  path: "/scheduled-messages/{id}",
  summary: "Cancel a scheduled message",
  request: { params: IdParams },
  responses: { 200: json(ScheduledSchema, "The cancelled message") },
  errors: [404, 409],
});

function scheduledJson(m: ScheduledMessage): z.infer<typeof ScheduledSchema> {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    agent_id: m.agentId,
    text: m.text,
    send_at: m.sendAt,
    status: m.status,
    message_id: m.messageId,
    cancel_reason: m.cancelReason,
    created_at: m.createdAt,
  };
}

/**
 * Registers the send-later routes.
 *
 * @example
 * registerScheduledRoutes(v1, switchboard);
 */
export function registerScheduledRoutes(app: ApiApp, sb: Services): void {
  app.openapi(create, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await visibleConversation(sb.store.db, c.get("viewer"), id);
    const scheduled = await scheduleMessage(sb, { conversationId: id, agentId: c.get("agent").id, text: body.text, sendAt: body.send_at });
    return c.json(scheduledJson(scheduled), 201);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    await visibleConversation(sb.store.db, c.get("viewer"), id);
    const rows = await sb.store.db
      .select()
      .from(scheduledMessages)
      .where(eq(scheduledMessages.conversationId, id))
      .orderBy(desc(scheduledMessages.id));
    return c.json({ data: rows.map(scheduledJson) }, 200);
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    const [row] = await sb.store.db.select().from(scheduledMessages).where(eq(scheduledMessages.id, id));
    if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Scheduled message ${id} does not exist.`);
    await visibleConversation(sb.store.db, c.get("viewer"), row.conversationId);
    if (!(await cancelScheduledMessage(sb, id, `cancelled by ${c.get("agent").name}`))) {
      throw new SwitchboardError(
        ErrorCodes.CONFLICT,
        `Scheduled message ${id} was already ${row.status === "scheduled" ? "sent" : row.status}.`,
      );
    }
    const [cancelled] = await sb.store.db.select().from(scheduledMessages).where(eq(scheduledMessages.id, id));
    return c.json(scheduledJson(cancelled!), 200);
  });
}
