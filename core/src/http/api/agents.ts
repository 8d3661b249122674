/**
 * /agents: the team (never password hashes), the token's own agent, and setting one's availability.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Services } from "../../services.ts";
import { agents } from "../../store/schema.ts";
import type { ApiApp } from "./app.ts";
import { jsonBody, routes } from "./route.ts";
import { AgentSchema, json } from "./schemas.ts";
import { agentJson } from "./serialize.ts";

const route = routes("Agents");

const list = route({
  method: "get",
  path: "/agents",
  summary: "List agents",
  responses: { 200: json(z.object({ data: z.array(AgentSchema) }), "Every agent, by name") },
});

const me = route({
  method: "get",
  path: "/agents/me",
  summary: "The agent this API token belongs to",
  responses: { 200: json(AgentSchema, "The agent") },
});

const MePatch = z.object({ availability: AgentSchema.shape.availability }).strict().openapi("AgentPatch");

const patchMe = route({
  method: "patch",
  path: "/agents/me",
  summary: "Set your availability",
  request: { body: jsonBody(MePatch) },
  responses: { 200: json(AgentSchema, "The updated agent") },
  errors: [422],
});

/**
 * Registers GET /agents, GET and PATCH /agents/me.
 *
 * @example
 * registerAgentRoutes(v1, switchboard);
 */
export function registerAgentRoutes(app: ApiApp, sb: Services): void {
  const { store } = sb;

  app.openapi(list, async (c) => {
    const rows = await store.db.select().from(agents).orderBy(agents.name, agents.id);
    return c.json({ data: rows.map(agentJson) }, 200);
  });

  app.openapi(me, (c) => c.json(agentJson(c.get("agent")), 200));

  app.openapi(patchMe, async (c) => {
    const { availability } = c.req.valid("json");
    const id = c.get("agent").id;
    const { updated, event } = await store.write(async (tx) => {
      const [updated] = await tx.update(agents).set({ availability }).where(eq(agents.id, id)).returning();
      return { updated, event: await sb.bus.record(tx, "agent.availability_changed", { agentId: id, availability }) };
    });
    sb.bus.announce(event);
    return c.json(agentJson(updated!), 200);
  });
}
