/**
 * Agents and teams for harness tests (routing strategies, automations): creates agents with an API
 * token, sets their availability through the REST API (so the same event fires as in production),
 * their skills and capacity, and teams with members and inboxes.
 */
import { eq } from "drizzle-orm";
import { createAgent } from "../auth/agents.ts";
import { createApiToken } from "../auth/tokens.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { setRoutingProfile } from "../routing/profile.ts";
import type { Store } from "../store/index.ts";
import { agents, teamInboxes, teamMembers, teams } from "../store/schema.ts";

/** What these helpers use of a harness (index.ts's `Harness` has all of it). */
interface Harness {
  switchboard: { store: Store };
  request(path: string, init?: RequestInit): Promise<Response>;
  drain(): Promise<void>;
}

export interface TestAgent {
  id: number;
  email: string;
  name: string;
  /** An API token of this agent, for `Authorization: Bearer`. */
  token: string;
}

type Availability = "online" | "away" | "offline";

/**
 * Creates an agent, optionally online and with skills and capacity.
 *
 * @example
 * const bob = await createTestAgent(harness, { name: "Bob", availability: "online", skills: ["billing"], capacity: 2 });
 */
export async function createTestAgent(
  harness: Harness,
  input: {
    name: string;
    email?: string;
    role?: "admin" | "agent";
    availability?: Availability;
    skills?: string[];
    capacity?: number | null;
  },
): Promise<TestAgent> {
  const { store } = harness.switchboard;
  const email = input.email ?? `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@example.com`;
  const { agent } = await createAgent(store, { email, name: input.name, role: input.role ?? "agent", password: "correct-horse-battery" });
  // Signing in sets the agent's availability after sign-in: keep the one the test asked for.
  const signInAvailability = input.availability ?? "offline";
  await store.write((tx) => tx.update(agents).set({ signInAvailability }).where(eq(agents.id, agent.id)));
  const { token } = await createApiToken(store, agent.id, "test");
  const created = { id: agent.id, email: agent.email, name: agent.name, token };
  if (input.skills || input.capacity !== undefined)
    await setRoutingProfile(store, agent.id, { skills: input.skills ?? [], capacity: input.capacity ?? null });
  if (input.availability && input.availability !== "offline") await setTestAvailability(harness, created, input.availability);
  return created;
}

/**
 * Sets an agent's availability through `PATCH /api/v1/agents/me`, then lets the harness settle
 * (re-queued conversations get routed).
 *
 * @example
 * await setTestAvailability(harness, bob, "offline");
 */
export async function setTestAvailability(harness: Harness, agent: Pick<TestAgent, "token">, availability: Availability): Promise<void> {
  const response = await harness.request("/api/v1/agents/me", {
    method: "PATCH",
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ availability }),
  });
  if (response.status !== 200)
    throw new SwitchboardError(ErrorCodes.VALIDATION, `Setting availability failed with HTTP ${response.status}: ${await response.text()}`);
  await harness.drain();
}

/**
 * Creates a team with members, given the inboxes it answers.
 *
 * @example
 * const billing = await createTestTeam(harness, "Billing", { members: [bob.id], inboxes: ["test"] });
 */
export async function createTestTeam(
  harness: Harness,
  name: string,
  options: { members?: number[]; inboxes?: string[] } = {},
): Promise<{ id: number; name: string }> {
  return harness.switchboard.store.write(async (tx) => {
    const [team] = await tx.insert(teams).values({ name }).returning();
    if (options.members?.length) await tx.insert(teamMembers).values(options.members.map((agentId) => ({ teamId: team!.id, agentId })));
    if (options.inboxes?.length) await tx.insert(teamInboxes).values(options.inboxes.map((inbox) => ({ teamId: team!.id, inbox })));
    return { id: team!.id, name: team!.name };
  });
}
