/**
 * The agent directory behind `ctx.agents`: who may answer in an inbox (by the teams given it),
 * with availability, skills, capacity and current load (open conversations assigned to them).
 */
import { and, desc, eq, gte, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { RoutingConfig } from "../config/routing.ts";
import type { AgentDirectory, AgentProfile } from "../plugins/types.ts";
import type { Store } from "../store/index.ts";
import { agents, conversations, teamInboxes, teamMembers, teams } from "../store/schema.ts";

/** Open conversations per agent (qualified by hand: drizzle leaves column names bare in one-table selects). */
const load = sql<number>`(SELECT count(*) FROM ${conversations} c WHERE c.assignee_id = "agents"."id" AND c.status = 'open')`;

/**
 * Builds the directory over the store.
 *
 * @example
 * const directory = createAgentDirectory({ store, clock, routing: config.routing });
 * const online = (await directory.forInbox("support")).filter((a) => a.available);
 */
export function createAgentDirectory(deps: {
  store: Store;
  clock: Clock;
  routing: Pick<RoutingConfig, "default_capacity">;
}): AgentDirectory {
  const { db } = deps.store;
  const fallback = deps.routing.default_capacity === 0 ? null : deps.routing.default_capacity;

  async function profiles(where?: ReturnType<typeof eq>): Promise<AgentProfile[]> {
    const rows = await db
      .select({
        id: agents.id,
        name: agents.name,
        email: agents.email,
        availability: agents.availability,
        skills: agents.skills,
        capacity: agents.capacity,
        load,
      })
      .from(agents)
      .where(where)
      .orderBy(agents.id);
    if (rows.length === 0) return [];
    const memberships = await db
      .select()
      .from(teamMembers)
      .where(
        inArray(
          teamMembers.agentId,
          rows.map((r) => r.id),
        ),
      );
    return rows.map((row) => {
      const capacity = row.capacity ?? fallback;
      const current = Number(row.load);
      return {
        id: row.id,
        name: row.name,
        email: row.email,
        availability: row.availability,
        skills: row.skills.map((s) => s.toLowerCase()),
        capacity,
        load: current,
        teams: memberships.filter((m) => m.agentId === row.id).map((m) => m.teamId),
        available: row.availability === "online" && (capacity === null || current < capacity),
      };
    });
  }

  async function teamsOf(inbox: string) {
    return db
      .select({ id: teams.id, name: teams.name })
      .from(teamInboxes)
      .innerJoin(teams, eq(teams.id, teamInboxes.teamId))
      .where(eq(teamInboxes.inbox, inbox))
      .orderBy(teams.id);
  }

  return {
    async forInbox(inbox, options = {}) {
      const chosen = options.team
        ? await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.name, options.team))
        : await teamsOf(inbox);
      if (options.team && chosen.length === 0) return [];
      if (chosen.length === 0) return profiles();
      const members = await db
        .select({ agentId: teamMembers.agentId })
        .from(teamMembers)
        .where(
          inArray(
            teamMembers.teamId,
            chosen.map((t) => t.id),
          ),
        );
      if (members.length === 0) return [];
      return profiles(inArray(agents.id, [...new Set(members.map((m) => m.agentId))]) as ReturnType<typeof eq>);
    },
    async get(id) {
      return (await profiles(eq(agents.id, id)))[0];
    },
    async byEmail(email) {
      return (await profiles(eq(agents.email, email.trim().toLowerCase())))[0];
    },
    teamsOf,
    async lastAssigneeOf(contactId, options = {}) {
      const except = options.exceptConversationId;
      const [row] = await db
        .select({ assigneeId: conversations.assigneeId })
        .from(conversations)
        .where(
          and(
            eq(conversations.contactId, contactId),
            isNotNull(conversations.assigneeId),
            except ? ne(conversations.id, except) : undefined,
            options.withinMs !== undefined ? gte(conversations.lastActivityAt, deps.clock.now() - options.withinMs) : undefined,
          ),
        )
        .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
        .limit(1);
      return row?.assigneeId ?? null;
    },
  };
}
