/**
 * Verified linking over REST (issue 16.1): an agent asks the customer on a conversation to verify an
 * email address; the rest (the address, the code by email, the code typed back) happens between the
 * customer and Switchboard on the channel (contacts/verify-email.ts).
 */
import { z } from "@hono/zod-openapi";
import { visibleConversation } from "../../access/index.ts";
import { askToVerifyEmail } from "../../contacts/verify-email.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const VerificationSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    contact_id: z.number().int(),
    status: z.string().openapi({ description: "awaiting_value: the customer was asked for their email address" }),
    expires_at: z.number().int().openapi({ description: "When the verification lapses (15 minutes after each step)" }),
  })
  .openapi("IdentityVerification");

const route = routes("Contacts");

const ask = route({
  method: "post",
  path: "/conversations/{id}/verify-email",
  summary: "Ask the customer on this conversation to verify an email address (a 6-digit code sent by email, typed back here)",
  request: { params: IdParams },
  responses: { 201: json(VerificationSchema, "The verification, waiting for the customer's address") },
  errors: [404, 409, 429],
});

/**
 * Registers the verification route.
 *
 * @example
 * registerVerificationRoutes(v1, switchboard);
 */
export function registerVerificationRoutes(app: ApiApp, sb: Services): void {
  app.openapi(ask, async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), c.req.valid("param").id);
    const agent = c.get("agent");
    const row = await askToVerifyEmail(sb, { id: agent.id, name: agent.name }, conversation.id);
    return c.json(
      { id: row.id, conversation_id: row.conversationId, contact_id: row.contactId, status: row.status, expires_at: row.expiresAt },
      201,
    );
  });
}
