// jobs: durable timers; they survive restarts, run once and retry with backoff.
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "follow-up",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.jobs.define("follow-up", async (payload: { conversationId: number }) => {
      const conversation = await ctx.conversations.get(payload.conversationId);
      if (conversation?.status === "pending") await ctx.conversations.reply(conversation.id, "Did that solve it?");
    });
    ctx.on("conversation.status_changed", async (event) => {
      const key = `follow-up:${event.data.conversationId}`; // one timer per conversation
      if (event.data.to === "pending")
        await ctx.jobs.schedule("follow-up", { conversationId: event.data.conversationId }, { delayMs: 86_400_000, key });
      else await ctx.jobs.cancel(key);
    });
  },
});
