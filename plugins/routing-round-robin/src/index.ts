/**
 * @switchboard/routing-round-robin: gives each new conversation to the next online agent (with
 * capacity left) of the inbox's team, in turn. The turn is kept per inbox in the plugin's
 * key-value store, so it survives restarts.
 *
 * Config:
 *   [plugins.round-robin]
 *   package = "@switchboard/routing-round-robin"
 *   [inboxes.support]
 *   routing = ["round-robin"]
 */
import { type AgentProfile, definePlugin } from "@switchboard/core";
import { z } from "zod";

export const roundRobinOptions = z
  .object({
    /** Take turns among this team (by name) instead of the teams given the inbox. */
    team: z.string().min(1).optional(),
  })
  .strict();

/**
 * The next agent after `lastId` in id order, wrapping around; undefined when there is none.
 *
 * @example
 * nextInTurn([{ id: 2 }, { id: 5 }, { id: 9 }], 5); // { id: 9 }
 * nextInTurn([{ id: 2 }, { id: 5 }], 5); // { id: 2 }
 */
export function nextInTurn<T extends Pick<AgentProfile, "id">>(candidates: T[], lastId: number | undefined): T | undefined {
  const sorted = [...candidates].sort((a, b) => a.id - b.id);
  return sorted.find((a) => lastId === undefined || a.id > lastId) ?? sorted[0];
}

export default definePlugin({
  name: "routing-round-robin",
  version: "0.1.0",
  core: "^1.0.0",
  options: roundRobinOptions,
  setup(ctx) {
    // Turns are taken one at a time, so two conversations arriving together go to different agents.
    let turn: Promise<unknown> = Promise.resolve();
    ctx.route(async function roundRobin(input) {
      const inbox = input.conversation.inbox;
      const pick = turn.then(async () => {
        const candidates = (await ctx.agents.forInbox(inbox, { team: ctx.options.team })).filter((a) => a.available);
        const next = nextInTurn(candidates, await ctx.kv.get<number>(`last:${inbox}`));
        if (!next) return null;
        await ctx.kv.set(`last:${inbox}`, next.id);
        const teams = ctx.options.team ? [] : await ctx.agents.teamsOf(inbox);
        const teamId = ctx.options.team ? (next.teams[0] ?? null) : teams.length === 1 ? teams[0]!.id : null;
        return { assigneeId: next.id, ...(teamId !== null && input.conversation.teamId === null ? { teamId } : {}) };
      });
      turn = pick.catch(() => undefined); // the next turn waits for this one; its error still reaches core through `pick`
      return pick;
    });
  },
});
