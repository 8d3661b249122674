/**
 * Who is looking: an agent with their role and the inboxes they may see. Admins see every inbox; an
 * inbox given to no team is open to every agent; an inbox given to teams is visible to those teams'
 * members only. Every other access decision (conversations, contacts, events) starts from here.
 */
import { eq, inArray } from "drizzle-orm";
import type { Agent } from "../auth/agents.ts";
import type { Queryable } from "../store/index.ts";
import { teamInboxes, teamMembers } from "../store/schema.ts";

/** An agent and the inboxes they may see, as the access rule needs them. */
export interface Viewer {
  agentId: number;
  admin: boolean;
  /** The names of the inboxes this agent may see. */
  inboxes: string[];
}

/**
 * The names, among `inboxes`, that `agent` may see.
 *
 * @example
 * const visible = await visibleInboxes(store.db, agent, switchboard.inboxes.names());
 */
export async function visibleInboxes(db: Queryable, agent: Pick<Agent, "id" | "role">, inboxes: string[]): Promise<string[]> {
  if (agent.role === "admin") return inboxes;
  const restricted = await db
    .select({ inbox: teamInboxes.inbox, teamId: teamInboxes.teamId })
    .from(teamInboxes)
    .where(inArray(teamInboxes.inbox, inboxes));
  if (restricted.length === 0) return inboxes;
  const myTeams = new Set(
    (await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.agentId, agent.id))).map((r) => r.teamId),
  );
  return inboxes.filter((inbox) => {
    const teams = restricted.filter((r) => r.inbox === inbox);
    return teams.length === 0 || teams.some((r) => myTeams.has(r.teamId));
  });
}

/**
 * The viewer for a signed-in agent or an API token's agent.
 *
 * @example
 * c.set("viewer", await viewerFor(store.db, agent, switchboard.inboxes.names()));
 */
export async function viewerFor(db: Queryable, agent: Pick<Agent, "id" | "role">, inboxes: string[]): Promise<Viewer> {
  return { agentId: agent.id, admin: agent.role === "admin", inboxes: await visibleInboxes(db, agent, inboxes) };
}
