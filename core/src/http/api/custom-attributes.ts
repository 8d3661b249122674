/**
 * Custom attributes over REST: the definitions from config (GET /custom-attributes), and typed
 * changes to a contact's or a conversation's values (PATCH …/custom-attributes; null clears one).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { setContactAttributes, setConversationAttributes } from "../../contacts/attributes.ts";
import { visibleContact, visibleConversation } from "../../access/index.ts";
import type { Switchboard } from "../../switchboard.ts";
import type { ApiApp } from "./app.ts";
import { errors, IdParams, json } from "./schemas.ts";

const tags = ["Custom attributes"];

const Definition = z.object({ type: z.enum(["text", "number", "date", "list", "checkbox"]), label: z.string().optional(), options: z.array(z.string()).optional() });
const Definitions = z.object({ contact: z.record(z.string(), Definition), conversation: z.record(z.string(), Definition) }).openapi("CustomAttributeDefinitions");
const Values = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).openapi({ description: "Values by key; null clears one. Dates are \"YYYY-MM-DD\"." });
const Body = z.object({ values: Values }).strict();
const Answer = z.object({ attributes: z.record(z.string(), z.unknown()) }).openapi("CustomAttributeValues");

const definitions = createRoute({
  method: "get", path: "/custom-attributes", tags, summary: "The custom attributes defined in config",
  responses: { 200: json(Definitions, "Definitions of contact and conversation attributes"), 401: errors[401] },
});
const patch = (path: string, what: string) =>
  createRoute({
    method: "patch", path, tags, summary: `Set custom attributes of a ${what}`,
    request: { params: IdParams, body: { required: true, content: { "application/json": { schema: Body } } } },
    responses: { 200: json(Answer, `The ${what}'s attributes`), 401: errors[401], 404: errors[404], 422: errors[422] },
  });

/**
 * Registers the custom attribute routes.
 *
 * @example
 * registerCustomAttributeRoutes(v1, switchboard);
 */
export function registerCustomAttributeRoutes(app: ApiApp, sb: Switchboard): void {
  app.openapi(definitions, (c) => c.json(sb.loaded.config.attributes, 200));
  app.openapi(patch("/contacts/{id}/custom-attributes", "contact"), async (c) => {
    const visible = await visibleContact(sb.store.db, c.get("viewer"), c.req.valid("param").id);
    const contact = await setContactAttributes(sb, c.get("agent"), visible.id, c.req.valid("json").values);
    return c.json({ attributes: contact.attributes }, 200);
  });
  app.openapi(patch("/conversations/{id}/custom-attributes", "conversation"), async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), c.req.valid("param").id);
    const updated = await setConversationAttributes(sb, c.get("agent"), conversation.id, c.req.valid("json").values);
    return c.json({ attributes: updated.attributes }, 200);
  });
}
