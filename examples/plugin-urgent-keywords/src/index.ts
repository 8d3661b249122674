/**
 * switchboard-plugin-urgent-keywords: an example of a community plugin. When a customer's message
 * contains one of the configured words ("outage", "refund", "cancel my account"), the conversation
 * becomes urgent and the team gets a private note saying why. It uses only the public plugin API:
 * definePlugin, a zod schema for its options, ctx.on and ctx.conversations.
 *
 * Config:
 *   [plugins.urgent]
 *   package = "switchboard-plugin-urgent-keywords"
 *   [plugins.urgent.options]
 *   keywords = ["outage", "refund", "cancel my account"]
 */
import { definePlugin } from "@switchboard/core";
import { z } from "zod";

export const options = z
  .object({
    /** Words or phrases, matched case-insensitively as whole words. */
    keywords: z.array(z.string().trim().min(2)).min(1),
    /** The priority to set. */
    priority: z.enum(["high", "urgent"]).default("urgent"),
    /** Leave a private note naming the word that matched. */
    note: z.boolean().default(true),
  })
  .strict();

/** Builds one case-insensitive whole-word pattern from the keywords. */
export function keywordPattern(keywords: string[]): RegExp {
  const escaped = keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "iu");
}

export default definePlugin({
  name: "urgent-keywords",
  version: "0.1.0",
  core: "^1.0.0",
  options,
  setup(ctx) {
    const pattern = keywordPattern(ctx.options.keywords);
    ctx.on("message.created", async (event) => {
      if (event.data.direction !== "incoming") return;
      const match = pattern.exec(event.data.text);
      if (!match) return;
      const conversation = await ctx.conversations.get(event.data.conversationId);
      if (!conversation || conversation.priority === ctx.options.priority || conversation.priority === "urgent") return;
      await ctx.conversations.update(conversation.id, { priority: ctx.options.priority });
      if (ctx.options.note)
        await ctx.conversations.reply(conversation.id, `The customer wrote "${match[1]}": marked ${ctx.options.priority}.`, { note: true });
      ctx.log.info({ conversation: conversation.id, keyword: match[1] }, "conversation marked urgent");
    });
  },
});
