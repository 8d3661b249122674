/**
 * The versioned REST API: an OpenAPIHono sub-app at /api/v1, every route behind bearer-token auth,
 * one file per resource; plus the public OpenAPI document (/api/openapi.json) and its HTML reference
 * (/api/docs).
 */
import { Hono } from "hono";
import type { Services } from "../../services.ts";
import { registerAgentRoutes } from "./agents.ts";
import { type ApiApp, apiErrorHandler, createApiApp } from "./app.ts";
import { bearerAuth } from "./auth.ts";
import { registerCaseRoutes } from "./cases.ts";
import { registerContactMergeRoutes } from "./contact-merges.ts";
import { registerContactPrivacyRoutes } from "./contact-privacy.ts";
import { registerContactRoutes } from "./contacts.ts";
import { registerConversationMoveRoutes } from "./conversation-moves.ts";
import { registerConversationRoutes } from "./conversations.ts";
import { registerCustomAttributeRoutes } from "./custom-attributes.ts";
import { createDocsApp, type OpenApiDocument } from "./docs.tsx";
import { registerEventRoute } from "./events.ts";
import { registerInboxRoutes } from "./inboxes.ts";
import { registerKnowledgeRoutes } from "./knowledge.ts";
import { registerMessageRoutes } from "./messages.ts";
import { registerReportRoutes } from "./reports.ts";
import { registerRoutingRoutes } from "./routing.ts";
import { registerScheduledRoutes } from "./scheduled.ts";
import { registerSearchRoute } from "./search.ts";
import { registerSlaRoutes } from "./sla.ts";
import { registerTimelineRoute } from "./timeline.ts";
import { registerVerificationRoutes } from "./verifications.ts";
import { registerWebhookDeliveryRoutes } from "./webhook-deliveries.ts";

export const API_BASE = "/api/v1";

/** Every resource's routes, in the order they are registered (and listed in the OpenAPI document). */
const ROUTES: ((app: ApiApp, services: Services) => void)[] = [
  registerConversationRoutes,
  registerMessageRoutes,
  registerConversationMoveRoutes,
  registerVerificationRoutes,
  registerCaseRoutes,
  registerContactRoutes,
  registerContactMergeRoutes,
  registerContactPrivacyRoutes,
  registerCustomAttributeRoutes,
  registerTimelineRoute,
  registerSearchRoute,
  registerKnowledgeRoutes,
  registerAgentRoutes,
  registerRoutingRoutes,
  registerScheduledRoutes,
  registerSlaRoutes,
  registerReportRoutes,
  registerInboxRoutes,
  registerWebhookDeliveryRoutes,
];

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
 * The REST API and its docs as one sub-app, to mount at `/api`: `/api/v1/...`, `/api/openapi.json`
 * and `/api/docs`. Its live event streams close when Switchboard stops.
 *
 * @example
 * app.route("/api", createApi(services));
 * await app.request("/api/v1/conversations", { headers: { Authorization: `Bearer ${token}` } });
 */
export function createApi(services: Services): Hono {
  const v1 = createApiApp();
  v1.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token (swb_...): `switchboard create-token --agent <email>`",
  });
  v1.onError(apiErrorHandler(services.log));
  v1.use(
    "*",
    bearerAuth(services.store, () => services.inboxes.names()),
  );
  for (const register of ROUTES) register(v1, services);
  services.onStop(registerEventRoute(v1, services));

  let document: OpenApiDocument | undefined;
  const api = new Hono();
  api.route(API_BASE.slice("/api".length), v1);
  api.route(
    "/",
    createDocsApp(() => (document ??= openApiDocument(v1))),
  );
  return api;
}
