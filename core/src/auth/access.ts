/**
 * Which inboxes an agent may see: admins see all; an inbox given to no team is open to every agent;
 * an inbox given to teams is visible to those teams' members only. The inbox and the REST API both
 * check conversations through here; one an agent may not see answers 404, exactly like one that does
 * not exist, so nobody learns which ids exist in other teams' inboxes.
 */
import { eq, inArray } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
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

/**
 * A conversation (with its contact) the agent may see; otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const { conversation, contact } = await visibleConversation(store.db, 42, visible);
 */
export async function visibleConversation(db: Queryable, id: number, visible: string[]): Promise<{ conversation: Conversation; contact: Contact }> {
  const conversation = Number.isSafeInteger(id) ? await findConversation(db, id) : undefined;
  const contact = conversation && visible.includes(conversation.inbox) ? await findContact(db, conversation.contactId) : undefined;
  if (!conversation || !contact) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist.`);
  return { conversation, contact };
}
