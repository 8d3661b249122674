/**
 * Custom attributes over REST: the definitions from config (GET /custom-attributes), and typed
 * changes to a contact's or a conversation's values (PATCH …/custom-attributes; null clears one).
 */
import { z } from "@hono/zod-openapi";
import { visibleContact, visibleConversation } from "../../access/index.ts";
import { setContactAttributes, setConversationAttributes } from "../../contacts/attributes.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Custom attributes");

const Definition = z.object({
  type: z.enum(["text", "number", "date", "list", "checkbox"]),
  label: z.string().optional(),
  options: z.array(z.string()).optional(),
});
const Definitions = z
  .object({ contact: z.record(z.string(), Definition), conversation: z.record(z.string(), Definition) })
  .openapi("CustomAttributeDefinitions");
const Values = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .openapi({ description: 'Values by key; null clears one. Dates are "YYYY-MM-DD".' });
const Body = z.object({ values: Values }).strict();
const Answer = z.object({ attributes: z.record(z.string(), z.unknown()) }).openapi("CustomAttributeValues");

const definitions = route({
  method: "get",
  path: "/custom-attributes",
  summary: "The custom attributes defined in config",
  responses: { 200: json(Definitions, "Definitions of contact and conversation attributes") },
});
const patch = (path: string, what: string) =>
  route({
    method: "patch",
    path,
    summary: `Set custom attributes of a ${what}`,
    request: { params: IdParams, body: jsonBody(Body) },
    responses: { 200: json(Answer, `The ${what}'s attributes`) },
    errors: [404, 422],
  });

/**
 * Registers the custom attribute routes.
 *
 * @example
 * registerCustomAttributeRoutes(v1, switchboard);
 */
export function registerCustomAttributeRoutes(app: ApiApp, sb: Services): void {
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
