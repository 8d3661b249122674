/**
 * /conversations: the list (filters, newest activity first, cursor pages), one conversation with its
 * contact and labels, and PATCH for status, priority, assignee and team.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Switchboard } from "../../switchboard.ts";
import { findContact } from "../../store/contacts.ts";
import { type Conversation, findConversation } from "../../store/conversations.ts";
import type { Queryable } from "../../store/index.ts";
import { contacts, conversationLabels, conversations, labels, messages } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { updateConversation } from "../../conversations/update.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { ConversationDetailSchema, ConversationListItemSchema, ConversationSchema, errors, IdParams, json, PageQuery, pageOf } from "./schemas.ts";
import { contactJson, conversationJson } from "./serialize.ts";

const tags = ["Conversations"];

const ListQuery = PageQuery.extend({
  status: ConversationSchema.shape.status.optional(),
  inbox: z.string().max(64).optional(),
  assignee: z.string().regex(/^(me|none|\d+)$/, { message: 'expected an agent id, "me" or "none"' }).optional().openapi({ description: 'An agent id, "me" or "none" (unassigned)' }),
  contact_id: z.coerce.number().int().positive().optional(),
});

const PatchBody = z
  .object({
    status: ConversationSchema.shape.status.optional(),
    snoozed_until: z.number().int().positive().optional().openapi({ description: 'Required with status "snoozed": when it reopens (ms since the epoch)' }),
    priority: ConversationSchema.shape.priority.optional(),
    assignee_id: z.number().int().positive().nullable().optional().openapi({ description: "An agent id, or null to unassign" }),
    team_id: z.number().int().positive().nullable().optional().openapi({ description: "A team id, or null" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one of status, priority, assignee_id, team_id" })
  .refine((b) => b.status !== "snoozed" || b.snoozed_until !== undefined, { message: 'snoozed_until is required when status is "snoozed"', path: ["snoozed_until"] })
  .refine((b) => b.snoozed_until === undefined || b.status === "snoozed", { message: 'snoozed_until goes only with status "snoozed"', path: ["snoozed_until"] })
  .openapi("ConversationPatch");

const list = createRoute({
  method: "get",
  path: "/conversations",
  tags,
  summary: "List conversations, latest activity first",
  request: { query: ListQuery },
  responses: { 200: json(pageOf(ConversationListItemSchema), "A page of conversations"), 401: errors[401], 422: errors[422] },
});

const get = createRoute({
  method: "get",
  path: "/conversations/{id}",
  tags,
  summary: "Get a conversation with its contact and labels",
  request: { params: IdParams },
  responses: { 200: json(ConversationDetailSchema, "The conversation"), 401: errors[401], 404: errors[404], 422: errors[422] },
});

const patch = createRoute({
  method: "patch",
  path: "/conversations/{id}",
  tags,
  summary: "Change status, priority, assignee or team",
  description: "Each change adds an activity entry to the conversation's timeline and an audit log row, and publishes conversation.status_changed or conversation.assigned.",
  request: { params: IdParams, body: { required: true, content: { "application/json": { schema: PatchBody } } } },
  responses: { 200: json(ConversationDetailSchema, "The updated conversation"), 401: errors[401], 404: errors[404], 422: errors[422] },
});

/** The latest non-activity message of the conversation in the current row, cut to 140 characters. */
const preview = sql<string | null>`(SELECT substr(${messages.text}, 1, 140) FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.direction} <> 'activity' ORDER BY ${messages.id} DESC LIMIT 1)`;

async function detail(db: Queryable, conversation: Conversation): Promise<z.infer<typeof ConversationDetailSchema>> {
  const contact = await findContact(db, conversation.contactId);
  if (!contact) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `The contact of conversation ${conversation.id} no longer exists.`);
  const rows = await db.select({ id: labels.id, name: labels.name, color: labels.color }).from(conversationLabels).innerJoin(labels, eq(labels.id, conversationLabels.labelId)).where(eq(conversationLabels.conversationId, conversation.id)).orderBy(labels.name);
  return { ...conversationJson(conversation), contact: contactJson(contact), labels: rows };
}

/**
 * Registers GET/PATCH /conversations and GET /conversations/{id}.
 *
 * @example
 * registerConversationRoutes(v1, switchboard);
 */
export function registerConversationRoutes(app: ApiApp, sb: Switchboard): void {
  const { store } = sb;

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const where: SQL[] = [];
    if (q.status) where.push(eq(conversations.status, q.status));
    if (q.inbox) where.push(eq(conversations.inbox, q.inbox));
    if (q.contact_id) where.push(eq(conversations.contactId, q.contact_id));
    if (q.assignee === "none") where.push(isNull(conversations.assigneeId));
    else if (q.assignee) where.push(eq(conversations.assigneeId, q.assignee === "me" ? c.get("agent").id : Number(q.assignee)));
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, 2);
      where.push(sql`(${conversations.lastActivityAt}, ${conversations.id}) < (${at}, ${id})`);
    }
    const fetched = await store.db
      .select({ conversation: conversations, contactName: contacts.name, preview })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(...where))
      .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
      .limit(q.limit + 1);
    const { rows, next } = page(fetched, q.limit, (r) => [r.conversation.lastActivityAt, r.conversation.id]);
    const data = rows.map((r) => ({ ...conversationJson(r.conversation), contact_name: r.contactName, last_message_preview: r.preview }));
    return c.json({ data, next_cursor: next }, 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const conversation = await findConversation(store.db, id);
    if (!conversation) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist. List conversations with GET /api/v1/conversations.`);
    return c.json(await detail(store.db, conversation), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const updated = await updateConversation(sb, c.get("agent"), id, {
      status: body.status,
      snoozedUntil: body.snoozed_until,
      priority: body.priority,
      assigneeId: body.assignee_id,
      teamId: body.team_id,
    });
    return c.json(await detail(store.db, updated), 200);
  });
}
