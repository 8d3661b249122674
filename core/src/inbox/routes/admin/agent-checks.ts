/**
 * The checks the agents admin routes share: the agent a path names, and the rule that an admin
 * change never leaves Switchboard without an active admin.
 */
import { and, count, eq, isNull, ne } from "drizzle-orm";
import type { Agent } from "../../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../../errors/index.ts";
import type { Tx } from "../../../store/index.ts";
import { agents } from "../../../store/schema.ts";

/** The agent with this id; SWB_ERR_NOT_FOUND (404) when there is none. */
export async function existingAgent(tx: Tx, id: number): Promise<Agent> {
  const [row] = await tx.select().from(agents).where(eq(agents.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `There is no agent with the id ${id}.`);
  return row;
}

/** Refuses a change (`change` says which, for the message) that would leave no active admin. */
export async function assertNotLastAdmin(tx: Tx, agent: Agent, change: string): Promise<void> {
  if (agent.role !== "admin" || agent.deactivatedAt !== null) return;
  const [others] = await tx
    .select({ n: count() })
    .from(agents)
    .where(and(eq(agents.role, "admin"), ne(agents.id, agent.id), isNull(agents.deactivatedAt)));
  if (!others?.n)
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      `${agent.name} is the last admin, so you cannot ${change}. Make another agent an admin first.`,
    );
}
