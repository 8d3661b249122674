/**
 * Setting an agent's availability (online, away, offline): written, then announced with
 * `agent.availability_changed` so routing and the widgets follow. Used by sign-in (the agent's
 * availability after signing in) and by deactivation.
 */
import { eq } from "drizzle-orm";
import type { Services } from "../services.ts";
import { agents } from "../store/schema.ts";
import type { Agent } from "./agents.ts";

export type Availability = Agent["availability"];

/**
 * Sets and announces an agent's availability; does nothing when it is already that.
 *
 * @example
 * await setAvailability(switchboard, agent, agent.signInAvailability);
 */
export async function setAvailability(
  sb: Pick<Services, "store" | "bus">,
  agent: Pick<Agent, "id" | "availability">,
  availability: Availability,
): Promise<void> {
  if (agent.availability === availability) return;
  const event = await sb.store.write(async (tx) => {
    await tx.update(agents).set({ availability }).where(eq(agents.id, agent.id));
    return sb.bus.record(tx, "agent.availability_changed", { agentId: agent.id, availability });
  });
  sb.bus.announce(event);
}
