/**
 * /conversations: the list (filters, newest activity first, cursor pages), one conversation with its
 * contact and labels, and PATCH for status, priority, assignee and team.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { visibleConversation } from "../../access/index.ts";
import { updateConversation } from "../../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { findContact } from "../../store/contacts.ts";
import { listConversations } from "../../store/conversation-list.ts";
import type { Conversation } from "../../store/conversations.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import type { Queryable } from "../../store/index.ts";
import { conversationLabels, labels } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { instant } from "./instant.ts";
import { jsonBody, routes } from "./route.ts";
import { ConversationDetailSchema, ConversationListItemSchema, ConversationSchema, IdParams, json, PageQuery, pageOf } from "./schemas.ts";
import { contactJson, conversationJson } from "./serialize.ts";

const route = routes("Conversations");

const ListQuery = PageQuery.extend({
  status: ConversationSchema.shape.status.optional(),
  inbox: z.string().max(64).optional(),
  assignee: z
    .string()
    .regex(/^(me|none|\d+)$/, { message: 'expected an agent id, "me" or "none"' })
    .optional()
    .openapi({ description: 'An agent id, "me" or "none" (unassigned)' }),
  contact_id: z.coerce.number().int().positive().optional(),
});

const PatchBody = z
  .object({
    status: ConversationSchema.shape.status.optional(),
    snoozed_until: instant('Required with status "snoozed": when it reopens').optional(),
    priority: ConversationSchema.shape.priority.optional(),
    assignee_id: z.number().int().positive().nullable().optional().openapi({ description: "An agent id, or null to unassign" }),
    team_id: z.number().int().positive().nullable().optional().openapi({ description: "A team id, or null" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one of status, priority, assignee_id, team_id" })
  .refine((b) => b.status !== "snoozed" || b.snoozed_until !== undefined, {
    message: 'snoozed_until is required when status is "snoozed"',
    path: ["snoozed_until"],
  })
  .refine((b) => b.snoozed_until === undefined || b.status === "snoozed", {
    message: 'snoozed_until goes only with status "snoozed"',
    path: ["snoozed_until"],
  })
  .openapi("ConversationPatch");

const list = route({
  method: "get",
  path: "/conversations",
  summary: "List conversations, latest activity first",
  request: { query: ListQuery },
  responses: { 200: json(pageOf(ConversationListItemSchema), "A page of conversations") },
  errors: [422],
});

const get = route({
  method: "get",
  path: "/conversations/{id}",
  summary: "Get a conversation with its contact and labels",
  request: { params: IdParams },
  responses: { 200: json(ConversationDetailSchema, "The conversation") },
  errors: [404, 422],
});

const patch = route({
  method: "patch",
  path: "/conversations/{id}",
  summary: "Change status, priority, assignee or team",
  description:
    "Each change adds an activity entry to the conversation's timeline and an audit log row, and publishes conversation.status_changed or conversation.assigned.",
  request: { params: IdParams, body: jsonBody(PatchBody) },
  responses: { 200: json(ConversationDetailSchema, "The updated conversation") },
  errors: [404, 422],
});

async function detail(db: Queryable, conversation: Conversation): Promise<z.infer<typeof ConversationDetailSchema>> {
  const contact = await findContact(db, conversation.contactId);
  if (!contact) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `The contact of conversation ${conversation.id} no longer exists.`);
  const rows = await db
    .select({ id: labels.id, name: labels.name, color: labels.color })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(eq(conversationLabels.conversationId, conversation.id))
    .orderBy(labels.name);
  return { ...conversationJson(conversation), contact: contactJson(contact), labels: rows };
}

/**
 * Registers GET/PATCH /conversations and GET /conversations/{id}.
 *
 * @example
 * registerConversationRoutes(v1, switchboard);
 */
export function registerConversationRoutes(app: ApiApp, sb: Services): void {
  const { store } = sb;

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor ? (decodeCursor(q.cursor, 2) as [number, number]) : undefined;
    const assigneeId = q.assignee === "none" ? null : q.assignee === "me" ? c.get("agent").id : q.assignee ? Number(q.assignee) : undefined;
    const fetched = await listConversations(
      store.db,
      { status: q.status, inbox: q.inbox, contactId: q.contact_id, assigneeId, inboxes: c.get("viewer").inboxes },
      { limit: q.limit, after },
    );
    const { rows, next } = page(fetched, q.limit, (r) => [r.conversation.lastActivityAt, r.conversation.id]);
    const data = rows.map((r) => ({ ...conversationJson(r.conversation), contact_name: r.contactName, last_message_preview: r.preview }));
    return c.json({ data, next_cursor: next }, 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const { conversation } = await visibleConversation(store.db, c.get("viewer"), id);
    return c.json(await detail(store.db, conversation), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await visibleConversation(store.db, c.get("viewer"), id);
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
