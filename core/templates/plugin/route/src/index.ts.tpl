/**
 * {{package}}: a Switchboard routing strategy. A conversation whose first message contains a
 * configured word goes to that word's agent, when they are available; otherwise the next strategy
 * decides. Replace the rule with your own and keep the rest.
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

/** `[plugins.<alias>.options]` (every key is in the README). */
export const options = z
  .object({
    /** Word (matched case-insensitively) to the email of the agent who takes it. */
    rules: z.array(z.object({ word: z.string().trim().min(2), agent: z.email() }).strict()).min(1),
  })
  .strict();

export default definePlugin({
  name: "{{name}}",
  version: "0.1.0",
  core: "^1.0.0",
  options,
  setup(ctx) {
    ctx.route(async ({ message }) => {
      const text = message.text.toLowerCase();
      for (const rule of ctx.options.rules) {
        if (!text.includes(rule.word.toLowerCase())) continue;
        const agent = await ctx.agents.byEmail(rule.agent);
        if (agent?.available) return { assigneeId: agent.id };
      }
      return null; // no rule applies: the next strategy decides
    });
  },
});
