/**
 * GDPR over REST, for admins: GET /contacts/{id}/export (everything about one contact as JSON) and
 * DELETE /contacts/{id} (erase the contact with all their messages; audited without personal data).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eraseContact } from "../../contacts/erase.ts";
import { exportContact } from "../../contacts/export.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Switchboard } from "../../switchboard.ts";
import type { ApiApp, ApiEnv } from "./app.ts";
import type { Context } from "hono";
import { ErrorSchema, errors, IdParams, json } from "./schemas.ts";

const tags = ["Contacts"];
const errorBody403 = json(ErrorSchema, "The API token's agent is not an admin");

const exportRoute = createRoute({
  method: "get", path: "/contacts/{id}/export", tags, summary: "Export everything about a contact (GDPR access request; admins only)",
  request: { params: IdParams },
  responses: { 200: json(z.record(z.string(), z.unknown()).openapi("ContactExport"), "The contact, identities, conversations, messages with attachments, suggestions, merges and audit entries"), 401: errors[401], 403: errorBody403, 404: errors[404] },
});

const eraseRoute = createRoute({
  method: "delete", path: "/contacts/{id}", tags, summary: "Erase a contact and all their messages (GDPR; admins only; cannot be undone)",
  request: { params: IdParams },
  responses: {
    200: json(z.object({ contact_id: z.number().int(), messages: z.number().int(), conversations: z.number().int(), identities: z.number().int() }).openapi("ContactErased"), "What was erased"),
    401: errors[401], 403: errorBody403, 404: errors[404],
  },
});

function adminOnly(c: Context<ApiEnv>, what: string): void {
  if (c.get("agent").role !== "admin") throw new SwitchboardError(ErrorCodes.FORBIDDEN, `Only admins may ${what}. Ask an admin, or use \`switchboard contact ${what.split(" ")[0]} <id>\` on the server.`);
}

/**
 * Registers GET /contacts/{id}/export and DELETE /contacts/{id}.
 *
 * @example
 * registerContactPrivacyRoutes(v1, switchboard);
 */
export function registerContactPrivacyRoutes(app: ApiApp, sb: Switchboard): void {
  app.openapi(exportRoute, async (c) => {
    adminOnly(c, "export contacts");
    return c.json(await exportContact(sb.store.db, c.req.valid("param").id, sb.clock.now()), 200);
  });
  app.openapi(eraseRoute, async (c) => {
    adminOnly(c, "erase contacts");
    const erased = await eraseContact(sb, c.get("agent"), c.req.valid("param").id);
    return c.json({ contact_id: erased.contactId, messages: erased.messages, conversations: erased.conversations, identities: erased.identities }, 200);
  });
}
