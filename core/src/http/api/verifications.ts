/**
 * Verified linking over REST (issue 16.1): an agent asks the customer on a conversation to verify an
 * email address or a phone number; the rest (the value, the code and link sent there, the code typed
 * back or the link opened) happens between the customer and Switchboard (contacts/verify-identity.ts).
 */
import { z } from "@hono/zod-openapi";
import { visibleConversation } from "../../access/index.ts";
import { askToVerify, type VerifyKind } from "../../contacts/verify-identity.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const VerificationSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    contact_id: z.number().int(),
    kind: z.enum(["email", "phone"]),
    status: z.string().openapi({
      description:
        "awaiting_value: the customer was asked for the value; awaiting_code: a code and a link went to the value the contact already claimed; cancelled: codes to that value are rate-limited",
    }),
    expires_at: z.number().int().openapi({ description: "When the verification lapses (15 minutes after each step)" }),
  })
  .openapi("IdentityVerification");

const route = routes("Contacts");

const KINDS: Record<VerifyKind, string> = {
  email: "an email address (a 6-digit code and a one-click link sent by email)",
  phone: "a phone number (a 6-digit code and a one-click link sent on a channel that reaches phones; 409 when none runs)",
};

const askRoute = (kind: VerifyKind) =>
  route({
    method: "post",
    path: `/conversations/{id}/verify-${kind}`,
    summary: `Ask the customer on this conversation to verify ${KINDS[kind]}; the code is typed back here`,
    request: { params: IdParams },
    responses: { 201: json(VerificationSchema, "The verification, waiting for the customer's value or code") },
    errors: [404, 409, 429],
  });

/**
 * Registers the verification routes.
 *
 * @example
 * registerVerificationRoutes(v1, switchboard);
 */
export function registerVerificationRoutes(app: ApiApp, sb: Services): void {
  for (const kind of ["email", "phone"] as const) {
    app.openapi(askRoute(kind), async (c) => {
      const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), c.req.valid("param").id);
      const agent = c.get("agent");
      const row = await askToVerify(sb, { id: agent.id, name: agent.name }, conversation.id, kind);
      return c.json(
        {
          id: row.id,
          conversation_id: row.conversationId,
          contact_id: row.contactId,
          kind,
          status: row.status,
          expires_at: row.expiresAt,
        },
        201,
      );
    });
  }
}
