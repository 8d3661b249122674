/**
 * Messages: a conversation's messages (oldest first, cursor pages, with attachments and delivery
 * status), replying or adding a private note as the token's agent, and retrying a failed delivery.
 */
import { z } from "@hono/zod-openapi";
import { and, eq, gt } from "drizzle-orm";
import { visibleConversation } from "../../access/index.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { findMessage } from "../../store/messages.ts";
import { messages } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json, MessageSchema, PageQuery, pageOf } from "./schemas.ts";
import { messageJson, messagesJson } from "./serialize.ts";

const route = routes("Messages");

const ReplyBody = z
  .object({
    text: z.string().trim().max(100_000).default("").openapi({ description: "Required, except with `template`" }),
    html: z.string().max(500_000).optional(),
    private: z.boolean().default(false).openapi({ description: "true: a private note for agents, never sent to the customer" }),
    inbox: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "Send on another inbox the contact can be reached on (default: the conversation's inbox)" }),
    template: z
      .object({
        name: z.string().min(1).max(512),
        language: z.string().max(32).optional(),
        variables: z.record(z.string().max(64), z.string().max(2_000)).optional(),
      })
      .strict()
      .optional()
      .openapi({
        description:
          "Send an approved template of the inbox (channels with a reply window, such as WhatsApp): variables by key; missing ones are filled from the contact. `text` is then the template's filled body.",
      }),
  })
  .strict()
  .refine((body) => body.template !== undefined || body.text !== "", { message: "write some text", path: ["text"] })
  .openapi("ReplyInput");

const list = route({
  method: "get",
  path: "/conversations/{id}/messages",
  summary: "List a conversation's messages, oldest first",
  request: { params: IdParams, query: PageQuery },
  responses: { 200: json(pageOf(MessageSchema), "A page of messages") },
  errors: [404, 422],
});

const create = route({
  method: "post",
  path: "/conversations/{id}/messages",
  summary: "Reply to the customer, or add a private note",
  description:
    "The reply is stored with its outbox row and delivered in the background; follow delivery_status (or the message.updated event).",
  request: { params: IdParams, body: jsonBody(ReplyBody) },
  responses: { 201: json(MessageSchema, "The stored message") },
  errors: [404, 422],
});

const retry = route({
  method: "post",
  path: "/messages/{id}/retry",
  summary: "Queue a failed delivery again",
  request: { params: IdParams },
  responses: { 202: json(z.object({ id: z.number().int(), delivery_status: z.literal("queued") }), "Queued for delivery") },
  errors: [404, 409, 422],
});

/**
 * Registers A conversation's messages, replies and notes, and delivery retries.
 *
 * @example
 * registerMessageRoutes(v1, switchboard);
 */
export function registerMessageRoutes(app: ApiApp, sb: Services): void {
  const { store } = sb;

  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await visibleConversation(store.db, c.get("viewer"), id);
    const after = q.cursor ? decodeCursor(q.cursor, 1)[0]! : 0;
    const fetched = await store.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, id), gt(messages.id, after)))
      .orderBy(messages.id)
      .limit(q.limit + 1);
    const { rows, next } = page(fetched, q.limit, (m) => [m.id]);
    return c.json({ data: await messagesJson(store.db, rows), next_cursor: next }, 200);
  });

  app.openapi(create, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await visibleConversation(store.db, c.get("viewer"), id);
    if (body.inbox !== undefined && sb.inboxes.get(body.inbox) && !c.get("viewer").inboxes.includes(body.inbox))
      throw new SwitchboardError(ErrorCodes.VALIDATION, `Invalid body: inbox: you cannot reply on the inbox "${body.inbox}".`);
    const message = await sb.outbound.reply({
      conversationId: id,
      text: body.text,
      html: body.html,
      agentId: c.get("agent").id,
      kind: body.private ? "note" : "reply",
      inbox: body.inbox,
      ...(body.template && !body.private ? { template: body.template } : {}),
    });
    return c.json(messageJson(message), 201);
  });

  app.openapi(retry, async (c) => {
    const { id } = c.req.valid("param");
    const message = await findMessage(store.db, id);
    if (!message) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Message ${id} does not exist.`);
    await visibleConversation(store.db, c.get("viewer"), message.conversationId);
    await sb.delivery.retry(id);
    return c.json({ id, delivery_status: "queued" as const }, 202);
  });
}
