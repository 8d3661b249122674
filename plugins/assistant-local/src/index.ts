/**
 * @switchboard/assistant-local: Switchboard's offline assistant. No network, no model download,
 * no GPU: reply suggestions from the knowledge base and this team's past answers, extractive
 * summaries of a conversation and of a contact's history, and the language, sentiment and urgency
 * of every incoming message, stored on the message (`metadata.language`, `metadata.sentiment`,
 * `metadata.urgent`) before routing and automations see it.
 *
 * Config:
 *   [plugins.assistant]
 *   package = "@switchboard/assistant-local"
 */
import { type AssistantInput, definePlugin } from "@switchboard/core";
import { z } from "zod";
import { classify, detectLanguage } from "./classify.ts";
import { BACKFILL_JOB, PastAnswers } from "./past-answers.ts";
import { suggestReplies } from "./suggest.ts";
import { type PastConversation, summarizeConversation, summarizeHistory } from "./summary.ts";

export const localOptions = z
  .object({
    /** How many reply suggestions to offer (the inbox shows three). */
    suggestions: z.number().int().min(1).max(10).default(3),
    /** The least share of the customer's words an article or a past question must hold to be suggested (0..1). */
    min_match: z.number().min(0).max(1).default(0.3),
    /** An article's suggestion is cut to this many characters. */
    article_chars: z.number().int().min(100).max(5000).default(700),
    /** Learn from conversations resolved before the plugin was enabled (a background job, 200 at a time). */
    backfill: z.boolean().default(true),
    /** Store language, sentiment and urgency on each incoming message. */
    classify: z.boolean().default(true),
  })
  .strict();

export default definePlugin({
  name: "assistant-local",
  version: "0.1.0",
  core: "^1.0.0",
  options: localOptions,
  setup(ctx) {
    const answers = new PastAnswers(ctx);
    const options = { limit: ctx.options.suggestions, minCoverage: ctx.options.min_match, maxChars: ctx.options.article_chars };

    if (ctx.options.classify) {
      ctx.inbound({
        order: "post",
        handler: function classifyMessage(message) {
          if (!message.text?.trim()) return message;
          const facts = classify(message.text);
          const metadata: Record<string, unknown> = { ...message.metadata, sentiment: facts.sentiment, urgent: facts.urgent };
          // A channel's own language (a client setting) stays when the text is too short to tell.
          if (facts.language) metadata.language = facts.language;
          return { ...message, metadata };
        },
      });
    }

    ctx.on("conversation.status_changed", async (event) => {
      if (event.data.to === "resolved") await answers.learn([event.data.conversationId]);
    });
    ctx.jobs.define(BACKFILL_JOB, () => answers.backfill());
    if (ctx.options.backfill)
      void ctx.jobs.schedule(BACKFILL_JOB, {}, { key: `${BACKFILL_JOB}:start` }).catch((error: unknown) => {
        ctx.log.warn({ error: String(error) }, "could not schedule the past-answers backfill; answers are learnt as conversations resolve");
      });
    void answers.load().catch((error: unknown) => ctx.log.error({ error: String(error) }, "could not load past answers"));

    ctx.assistant({
      async suggestions(input) {
        const found = await suggestReplies(input, { knowledge: ctx.knowledge, answers }, options);
        return found.length > 0 ? found : null;
      },
      async suggest(input) {
        const found = await suggestReplies(input, { knowledge: ctx.knowledge, answers }, options);
        return found.length > 0 ? found.map((s) => s.text) : null;
      },
      async summarize(input) {
        return summarizeConversation(input.messages);
      },
      async summarizeContact(input) {
        return summarizeHistory(await pastConversations(input));
      },
      async language(input) {
        return detectLanguage(input.text) ?? null;
      },
    });

    /** The contact's other conversations: from the input when core gave them, else read (the latest 10, 50 messages each). */
    async function pastConversations(input: AssistantInput) {
      const contactId = input.contact?.id ?? (await ctx.conversations.get(input.conversationId))?.contactId;
      if (input.history && input.history.length > 0) {
        const byConversation = new Map<number, PastConversation>();
        for (const m of input.history) {
          const entry = byConversation.get(m.conversationId) ?? {
            id: m.conversationId,
            channel: m.channel,
            createdAt: m.createdAt,
            messages: [],
          };
          entry.messages.push(m);
          byConversation.set(m.conversationId, entry);
        }
        return [...byConversation.values()].filter((c) => c.id !== input.conversationId);
      }
      if (contactId === undefined) return [];
      const conversations = (await ctx.conversations.list({ contactId, limit: 1000 }))
        .filter((c) => c.id !== input.conversationId)
        .slice(-10);
      return Promise.all(
        conversations.map(async (c) => ({
          id: c.id,
          channel: c.channel,
          createdAt: c.createdAt,
          messages: await ctx.conversations.messages(c.id, { limit: 50 }),
        })),
      );
    }
  },
});
