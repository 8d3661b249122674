/**
 * @switchboard/routing-least-busy: gives each new conversation to the online agent with the fewest
 * open conversations. Agents at capacity (their own, or [routing] default_capacity) are skipped.
 *
 * Config:
 *   [plugins.least-busy]
 *   package = "@switchboard/routing-least-busy"
 *   [inboxes.support]
 *   routing = ["least-busy"]
 */
import { type AgentProfile, definePlugin } from "@switchboard/core";
import { z } from "zod";

export const leastBusyOptions = z
  .object({
    /** Choose among this team (by name) instead of the teams given the inbox. */
    team: z.string().min(1).optional(),
    /** Compare load as a share of capacity (true) or as a count of open conversations (false). */
    relative_to_capacity: z.boolean().default(false),
  })
  .strict();

/**
 * The least busy available agent: fewest open conversations (or lowest share of capacity), then lowest id.
 *
 * @example
 * leastBusy([{ id: 1, load: 3, capacity: 5, available: true }, { id: 2, load: 1, capacity: 5, available: true }]); // id 2
 */
export function leastBusy<T extends Pick<AgentProfile, "id" | "load" | "capacity" | "available">>(
  agents: T[],
  relative = false,
): T | undefined {
  const score = (a: T) => (relative && a.capacity ? a.load / a.capacity : a.load);
  return agents.filter((a) => a.available).sort((a, b) => score(a) - score(b) || a.id - b.id)[0];
}

export default definePlugin({
  name: "routing-least-busy",
  version: "0.1.0",
  core: "^1.0.0",
  options: leastBusyOptions,
  setup(ctx) {
    ctx.route(async function leastBusyRoute(input) {
      const agent = leastBusy(
        await ctx.agents.forInbox(input.conversation.inbox, { team: ctx.options.team }),
        ctx.options.relative_to_capacity,
      );
      return agent ? { assigneeId: agent.id } : null;
    });
  },
});
