/**
 * An agent's routing profile: skills and capacity (kept on the agents table). Set through the REST
 * API (`PUT /api/v1/agents/{id}/routing`, admins only); a capacity change may free room, so it
 * re-queues waiting conversations like an agent coming online does.
 */
import { eq } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Store } from "../store/index.ts";
import { agents } from "../store/schema.ts";

export interface RoutingProfile {
  /** Lower-case skill names: labels, "lang:<code>", facts. */
  skills: string[];
  /** The most open conversations routing gives this agent; null takes [routing] default_capacity. */
  capacity: number | null;
}

/**
 * Replaces an agent's skills and capacity. Throws SWB_ERR_NOT_FOUND for an unknown agent.
 *
 * @example
 * await setRoutingProfile(store, 3, { skills: ["billing", "lang:de"], capacity: 5 });
 */
export async function setRoutingProfile(store: Store, agentId: number, profile: RoutingProfile): Promise<RoutingProfile> {
  const skills = [...new Set(profile.skills.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const [row] = await store.write((tx) =>
    tx
      .update(agents)
      .set({ skills, capacity: profile.capacity })
      .where(eq(agents.id, agentId))
      .returning({ skills: agents.skills, capacity: agents.capacity }),
  );
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Agent ${agentId} does not exist. List agents with GET /api/v1/agents.`);
  return row;
}
