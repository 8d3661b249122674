/**
 * The versioned REST API: an OpenAPIHono sub-app at /api/v1, every route behind bearer-token auth,
 * one file per resource; plus the public OpenAPI document (/api/openapi.json) and its HTML reference
 * (/api/docs).
 */
import type { Switchboard } from "../../switchboard.ts";
import { type ApiApp, apiErrorHandler, createApiApp } from "./app.ts";
import { registerAgentRoutes } from "./agents.ts";
import { bearerAuth } from "./auth.ts";
import { registerContactMergeRoutes } from "./contact-merges.ts";
import { registerContactPrivacyRoutes } from "./contact-privacy.ts";
import { registerContactRoutes } from "./contacts.ts";
import { registerCustomAttributeRoutes } from "./custom-attributes.ts";
import { registerConversationRoutes } from "./conversations.ts";
import { createDocsApp, type OpenApiDocument } from "./docs.tsx";
import { registerEventRoute } from "./events.ts";
import { registerInboxRoutes } from "./inboxes.ts";
import { registerMessageRoutes } from "./messages.ts";
import { registerRoutingRoutes } from "./routing.ts";
import { registerScheduledRoutes } from "./scheduled.ts";
import { registerSlaRoutes } from "./sla.ts";
import { registerSearchRoute } from "./search.ts";
import { registerTimelineRoute } from "./timeline.ts";
import { registerWebhookDeliveryRoutes } from "./webhook-deliveries.ts";

export const API_BASE = "/api/v1";

const DESCRIPTION =
  "JSON over HTTP for conversations, messages, contacts and agents. Authenticate with an API token: create one with " +
  "`switchboard create-token --agent <email>` and send `Authorization: Bearer swb_...`. Keys are snake_case; times are " +
  "milliseconds since the epoch; lists return `{ data, next_cursor }` (pass next_cursor back as `cursor`). Errors are " +
  "`{ error: { code, message } }`: 401 no or bad token, 404 unknown id, 409 wrong state, 422 invalid input.";

function openApiDocument(v1: ApiApp): OpenApiDocument {
  return v1.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Switchboard REST API", version: "1", description: DESCRIPTION },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }],
  });
}

/**
 * Mounts the REST API and its docs on the Switchboard's HTTP app, and closes the live event streams
 * when Switchboard stops.
 *
 * @example
 * mountApi(switchboard);
 * await switchboard.app.request("/api/v1/conversations", { headers: { Authorization: `Bearer ${token}` } });
 */
export function mountApi(switchboard: Switchboard): void {
  const v1 = createApiApp();
  v1.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token (swb_...): `switchboard create-token --agent <email>`",
  });
  v1.onError(apiErrorHandler(switchboard.log));
  v1.use("*", bearerAuth(switchboard.store, () => switchboard.inboxes.names()));
  registerConversationRoutes(v1, switchboard);
  registerMessageRoutes(v1, switchboard);
  registerContactRoutes(v1, switchboard);
  registerContactMergeRoutes(v1, switchboard);
  registerContactPrivacyRoutes(v1, switchboard);
  registerCustomAttributeRoutes(v1, switchboard);
  registerTimelineRoute(v1, switchboard);
  registerSearchRoute(v1, switchboard);
  registerAgentRoutes(v1, switchboard);
  registerRoutingRoutes(v1, switchboard);
  registerScheduledRoutes(v1, switchboard);
  registerSlaRoutes(v1, switchboard);
  registerInboxRoutes(v1, switchboard);
  registerWebhookDeliveryRoutes(v1, switchboard);
  const closeStreams = registerEventRoute(v1, switchboard);
  switchboard.onStop(closeStreams);

  let document: OpenApiDocument | undefined;
  switchboard.app.route(API_BASE, v1);
  switchboard.app.route("/api", createDocsApp(() => (document ??= openApiDocument(v1))));
}
