/**
 * Cases over REST: a case (linked conversations of one customer across channels) with its one
 * status, opened / first response / resolved times and the conversations the caller may see, and
 * resolving all of them at once (what the inbox offers after resolving one).
 */
import { z } from "@hono/zod-openapi";
import { visibleCase } from "../../access/index.ts";
import { type Case, refreshCase } from "../../cases/store.ts";
import { updateConversation } from "../../conversations/update.ts";
import type { Services } from "../../services.ts";
import type { Conversation } from "../../store/conversations.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { ConversationSchema, IdParams, json } from "./schemas.ts";
import { conversationJson } from "./serialize.ts";

const millis = z.number().int();

const CaseSchema = z
  .object({
    id: z.number().int().openapi({ description: "The id of the case's first conversation" }),
    channel: z.string().openapi({ description: "The channel where the customer first wrote: first response is counted there" }),
    status: z.enum(["open", "resolved"]).openapi({ description: "resolved once every conversation of the case is" }),
    opened_at: millis,
    first_response_at: millis.nullable().openapi({ description: "The first agent reply on any conversation of the case" }),
    resolved_at: millis.nullable(),
    conversations: z.array(ConversationSchema).openapi({ description: "Its conversations you may see, first first" }),
  })
  .openapi("Case");

const caseJson = (found: Case, conversations: Conversation[]): z.infer<typeof CaseSchema> => ({
  id: found.id,
  channel: found.channel,
  status: found.status,
  opened_at: found.openedAt,
  first_response_at: found.firstResponseAt,
  resolved_at: found.resolvedAt,
  conversations: conversations.map(conversationJson),
});

const route = routes("Cases");

const read = route({
  method: "get",
  path: "/cases/{id}",
  summary: "One case: linked conversations of a customer across channels, with one status",
  request: { params: IdParams },
  responses: { 200: json(CaseSchema, "The case") },
  errors: [404],
});
const resolve = route({
  method: "post",
  path: "/cases/{id}/resolve",
  summary: "Resolve every conversation of the case you may see",
  request: { params: IdParams },
  responses: { 200: json(CaseSchema, "The case after") },
  errors: [404],
});

/**
 * Registers the case routes.
 *
 * @example
 * registerCaseRoutes(v1, switchboard);
 */
export function registerCaseRoutes(app: ApiApp, sb: Services): void {
  const db = sb.store.db;
  app.openapi(read, async (c) => {
    const { found, conversations } = await visibleCase(db, c.get("viewer"), c.req.valid("param").id);
    return c.json(caseJson(found, conversations), 200);
  });
  app.openapi(resolve, async (c) => {
    const viewer = c.get("viewer");
    const { found, conversations } = await visibleCase(db, viewer, c.req.valid("param").id);
    for (const conversation of conversations.filter((k) => k.status !== "resolved"))
      await updateConversation(sb, c.get("agent"), conversation.id, { status: "resolved" });
    // The case keeper does this from the events too; done here so the answer shows the status after.
    await sb.store.write((tx) => refreshCase(tx, found.id, sb.clock.now()));
    const after = await visibleCase(db, viewer, found.id);
    return c.json(caseJson(after.found, after.conversations), 200);
  });
}
