// route: pick an agent or a team for a conversation; the first strategy with an answer wins.
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "night-shift",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.route(async ({ conversation }) => {
      const agents = await ctx.agents.forInbox(conversation.inbox);
      const free = agents.filter((a) => a.available).sort((a, b) => a.load - b.load);
      return free[0] ? { assigneeId: free[0].id } : null; // null: let the next strategy decide
    });
  },
});
