/**
 * /agents/{id}/routing: an agent's skills and capacity, which routing strategies match on. Anyone
 * may read them; only admins change them. A change re-queues waiting conversations (capacity may
 * have grown) by publishing `agent.availability_changed` with the agent's current availability.
 */
import { z } from "@hono/zod-openapi";
import { findAgent } from "../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import { setRoutingProfile } from "../../routing/profile.ts";
import type { Services } from "../../services.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { IdParams, json } from "./schemas.ts";

const route = routes("Agents");

const RoutingSchema = z
  .object({
    agent_id: z.number().int(),
    skills: z
      .array(z.string())
      .openapi({ description: 'Lower-case skills: conversation labels, "lang:<code>", facts', example: ["billing", "lang:de"] }),
    capacity: z
      .number()
      .int()
      .min(0)
      .nullable()
      .openapi({ description: "Most open conversations routing gives this agent; null: [routing] default_capacity" }),
  })
  .openapi("AgentRouting");

const RoutingBody = z
  .object({ skills: z.array(z.string().min(1).max(64)).max(100), capacity: z.number().int().min(0).max(10_000).nullable() })
  .strict()
  .openapi("AgentRoutingInput");

const read = route({
  method: "get",
  path: "/agents/{id}/routing",
  summary: "An agent's skills and capacity",
  request: { params: IdParams },
  responses: { 200: json(RoutingSchema, "The routing profile") },
  errors: [404],
});

const write = route({
  method: "put",
  path: "/agents/{id}/routing",
  summary: "Set an agent's skills and capacity (admins)",
  request: { params: IdParams, body: jsonBody(RoutingBody) },
  responses: { 200: json(RoutingSchema, "The new routing profile") },
  errors: [403, 404, 422],
});

/**
 * Registers GET and PUT /agents/{id}/routing.
 *
 * @example
 * registerRoutingRoutes(v1, switchboard);
 */
export function registerRoutingRoutes(app: ApiApp, sb: Services): void {
  app.openapi(read, async (c) => {
    const { id } = c.req.valid("param");
    const agent = await findAgent(sb.store.db, id);
    if (!agent) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Agent ${id} does not exist. List agents with GET /api/v1/agents.`);
    return c.json({ agent_id: id, skills: agent.skills, capacity: agent.capacity }, 200);
  });

  app.openapi(write, async (c) => {
    if (c.get("agent").role !== "admin")
      throw new SwitchboardError(
        ErrorCodes.FORBIDDEN,
        "Only admins change skills and capacity. Ask an admin, or use an admin's API token.",
      );
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const profile = await setRoutingProfile(sb.store, id, body);
    const agent = await findAgent(sb.store.db, id);
    if (agent) await sb.bus.publish("agent.availability_changed", { agentId: id, availability: agent.availability });
    return c.json({ agent_id: id, ...profile }, 200);
  });
}
