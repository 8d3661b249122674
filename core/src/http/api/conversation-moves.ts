/**
 * Conversation merges and splits over REST: merging one conversation of a contact into another (no
 * survey, no follow-up, no SLA "hit"), splitting selected messages into a new conversation, reading
 * either, and undoing it exactly.
 */
import { z } from "@hono/zod-openapi";
import { visibleConversation, visibleMove } from "../../access/index.ts";
import { mergeConversations } from "../../conversations/merge.ts";
import { type ConversationMove, recordOf } from "../../conversations/move-record.ts";
import { splitConversation } from "../../conversations/split.ts";
import { undoMove } from "../../conversations/undo-move.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const millis = z.number().int();

const MoveSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(["merge", "split"]),
    source_id: z.number().int().openapi({ description: "Merge: the conversation merged away. Split: the conversation the messages left." }),
    target_id: z.number().int().openapi({ description: "Merge: the conversation that took them. Split: the new conversation." }),
    actor: z.string(),
    moved: z.object({ messages: z.number().int(), labels: z.number().int(), sla_clocks: z.number().int() }),
    created_at: millis,
    undone_at: millis.nullable(),
    undone_by: z.string().nullable(),
  })
  .openapi("ConversationMove");

function moveJson(m: ConversationMove): z.infer<typeof MoveSchema> {
  const record = recordOf(m);
  return {
    id: m.id,
    kind: m.kind,
    source_id: m.sourceId,
    target_id: m.targetId,
    actor: m.actor,
    moved: { messages: record.messageIds.length, labels: record.sourceLabelIds?.length ?? 0, sla_clocks: record.clocksBefore?.length ?? 0 },
    created_at: m.createdAt,
    undone_at: m.undoneAt,
    undone_by: m.undoneBy,
  };
}

const route = routes("Conversation merges");

const merge = route({
  method: "post",
  path: "/conversations/{id}/merge",
  summary: "Merge this conversation into another of the same contact (undoable; sends no survey and schedules nothing)",
  request: {
    params: IdParams,
    body: jsonBody(
      z
        .object({
          into: z.number().int().positive().openapi({ description: "The conversation that takes {id}'s messages, labels and SLA clocks" }),
        })
        .strict(),
    ),
  },
  responses: { 201: json(MoveSchema, "The merge") },
  errors: [404, 409, 422],
});
const split = route({
  method: "post",
  path: "/conversations/{id}/split",
  summary: "Move selected messages into a new conversation of the same contact, with its own status, assignee and SLA (undoable)",
  request: {
    params: IdParams,
    body: jsonBody(
      z
        .object({
          message_ids: z
            .array(z.number().int().positive())
            .min(1)
            .max(1000)
            .openapi({ description: "The messages that start the new conversation" }),
        })
        .strict(),
    ),
  },
  responses: { 201: json(MoveSchema, "The split; target_id is the new conversation") },
  errors: [404, 409, 422],
});
const read = route({
  method: "get",
  path: "/conversation-moves/{id}",
  summary: "One conversation merge or split",
  request: { params: IdParams },
  responses: { 200: json(MoveSchema, "The merge or split") },
  errors: [404],
});
const undo = route({
  method: "post",
  path: "/conversation-moves/{id}/undo",
  summary: "Undo a conversation merge or split: both conversations as they were",
  request: { params: IdParams },
  responses: { 200: json(MoveSchema, "The undone merge or split") },
  errors: [404, 409],
});

/**
 * Registers the conversation merge routes.
 *
 * @example
 * registerConversationMoveRoutes(v1, switchboard);
 */
export function registerConversationMoveRoutes(app: ApiApp, sb: Services): void {
  const db = sb.store.db;
  app.openapi(merge, async (c) => {
    const viewer = c.get("viewer");
    const { conversation: source } = await visibleConversation(db, viewer, c.req.valid("param").id);
    const { conversation: target } = await visibleConversation(db, viewer, c.req.valid("json").into);
    const { moveId } = await mergeConversations(sb, c.get("agent"), source.id, target.id);
    return c.json(moveJson(await visibleMove(db, viewer, moveId)), 201);
  });
  app.openapi(split, async (c) => {
    const viewer = c.get("viewer");
    const { conversation } = await visibleConversation(db, viewer, c.req.valid("param").id);
    const { moveId } = await splitConversation(sb, c.get("agent"), conversation.id, c.req.valid("json").message_ids);
    return c.json(moveJson(await visibleMove(db, viewer, moveId)), 201);
  });
  app.openapi(read, async (c) => c.json(moveJson(await visibleMove(db, c.get("viewer"), c.req.valid("param").id)), 200));
  app.openapi(undo, async (c) => {
    const move = await visibleMove(db, c.get("viewer"), c.req.valid("param").id);
    await undoMove(sb, c.get("agent"), move.id);
    return c.json(moveJson(await visibleMove(db, c.get("viewer"), move.id)), 200);
  });
}
