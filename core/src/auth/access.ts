/**
 * Which inboxes an agent may see: admins see all; an inbox given to no team is open to every agent;
 * an inbox given to teams is visible to those teams' members only.
 */
import { eq, inArray } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import { teamInboxes, teamMembers } from "../store/schema.ts";
import type { Agent } from "./agents.ts";

/**
 * The names, among `inboxes`, that `agent` may see.
 *
 * @example
 * const visible = await visibleInboxes(store.db, agent, switchboard.inboxes.names());
 */
export async function visibleInboxes(db: Queryable, agent: Pick<Agent, "id" | "role">, inboxes: string[]): Promise<string[]> {
  if (agent.role === "admin") return inboxes;
  const restricted = await db.select({ inbox: teamInboxes.inbox, teamId: teamInboxes.teamId }).from(teamInboxes).where(inArray(teamInboxes.inbox, inboxes));
  if (restricted.length === 0) return inboxes;
  const myTeams = new Set((await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.agentId, agent.id))).map((r) => r.teamId));
  return inboxes.filter((inbox) => {
    const teams = restricted.filter((r) => r.inbox === inbox);
    return teams.length === 0 || teams.some((r) => myTeams.has(r.teamId));
  });
}
