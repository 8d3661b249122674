/**
 * @switchboard/routing-sticky: a returning customer goes back to the agent of their most recent
 * earlier conversation, when that agent is online with capacity left. Otherwise the inbox's next
 * strategy decides.
 *
 * Config:
 *   [plugins.sticky]
 *   package = "@switchboard/routing-sticky"
 *   [inboxes.support]
 *   routing = ["sticky", "round-robin"]
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

export const stickyOptions = z
  .object({
    /** Only conversations active in the last this many days count; 0 = any age. */
    within_days: z.number().min(0).default(90),
  })
  .strict();

export default definePlugin({
  name: "routing-sticky",
  version: "0.1.0",
  core: "^1.0.0",
  options: stickyOptions,
  setup(ctx) {
    ctx.route(async function sticky(input) {
      if (input.contact.isNew || input.contact.id === null) return null;
      const withinMs = ctx.options.within_days > 0 ? ctx.options.within_days * 86_400_000 : undefined;
      const last = await ctx.agents.lastAssigneeOf(input.contact.id, { exceptConversationId: input.conversation.id, withinMs });
      if (last === null) return null;
      const agent = await ctx.agents.get(last);
      return agent?.available ? { assigneeId: agent.id } : null;
    });
  },
});
