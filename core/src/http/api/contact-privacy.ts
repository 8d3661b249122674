/**
 * GDPR over REST, for admins: GET /contacts/{id}/export (everything about one contact as JSON) and
 * DELETE /contacts/{id} (erase the contact with all their messages; audited without personal data).
 */
import { z } from "@hono/zod-openapi";
import { requireAdmin, type Viewer, visibleContact } from "../../access/index.ts";
import { eraseContact } from "../../contacts/erase.ts";
import { exportContact } from "../../contacts/export.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Contacts");

const exportRoute = route({
  method: "get",
  path: "/contacts/{id}/export",
  summary: "Export everything about a contact (GDPR access request; admins only)",
  request: { params: IdParams },
  responses: {
    200: json(
      z.record(z.string(), z.unknown()).openapi("ContactExport"),
      "The contact, identities, conversations, messages with attachments, suggestions, merges and audit entries",
    ),
  },
  errors: [403, 404],
});

const eraseRoute = route({
  method: "delete",
  path: "/contacts/{id}",
  summary: "Erase a contact and all their messages (GDPR; admins only; cannot be undone)",
  request: { params: IdParams },
  responses: {
    200: json(
      z
        .object({ contact_id: z.number().int(), messages: z.number().int(), conversations: z.number().int(), identities: z.number().int() })
        .openapi("ContactErased"),
      "What was erased",
    ),
  },
  errors: [403, 404],
});

/** The contact `id` if the caller can see them (else 404) and is an admin (else 403). */
async function adminOnly(sb: Services, viewer: Viewer, id: number, what: string): Promise<number> {
  await visibleContact(sb.store.db, viewer, id);
  requireAdmin(viewer, `${what}, or use \`switchboard contact ${what.split(" ")[0]} <id>\` on the server`);
  return id;
}

/**
 * Registers GET /contacts/{id}/export and DELETE /contacts/{id}.
 *
 * @example
 * registerContactPrivacyRoutes(v1, switchboard);
 */
export function registerContactPrivacyRoutes(app: ApiApp, sb: Services): void {
  app.openapi(exportRoute, async (c) => {
    const id = await adminOnly(sb, c.get("viewer"), c.req.valid("param").id, "export contacts");
    return c.json(await exportContact(sb.store.db, id, sb.clock.now()), 200);
  });
  app.openapi(eraseRoute, async (c) => {
    const id = await adminOnly(sb, c.get("viewer"), c.req.valid("param").id, "erase contacts");
    const erased = await eraseContact(sb, c.get("agent"), id);
    return c.json(
      { contact_id: erased.contactId, messages: erased.messages, conversations: erased.conversations, identities: erased.identities },
      200,
    );
  });
}
