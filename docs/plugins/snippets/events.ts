// events: react to what happens; handlers run in parallel and one failure never stops the others.
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "breach-alert",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.on("sla.breached", async (event) => {
      await ctx.conversations.update(event.data.conversationId, { priority: "urgent" });
      ctx.log.warn({ conversation: event.data.conversationId, target: event.data.target }, "SLA breached");
    });
    ctx.on("message.created", (event) => {
      if (event.data.direction === "incoming" && !event.data.automated) ctx.log.debug({ message: event.data.messageId }, "customer wrote");
    });
  },
});
