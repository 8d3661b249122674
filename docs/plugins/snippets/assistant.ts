// assistant: suggest, summarize, translate, rewrite. It only proposes; nothing is sent without an agent.
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "polite",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    ctx.assistant({
      async suggest({ messages }) {
        const last = messages.filter((m) => m.direction === "incoming").at(-1);
        return last?.text.includes("?") ? ["Good question! Let me check and come back to you."] : null;
      },
      async summarize({ messages }) {
        return messages.length > 0 ? `${messages.length} messages, the last on ${messages.at(-1)!.channel}.` : null;
      },
      async rewrite({ text }) {
        return text.startsWith("Hi") ? null : `Hi! ${text}`; // null: let another assistant answer
      },
    });
  },
});
