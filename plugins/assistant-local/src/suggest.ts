/**
 * Reply suggestions: the customer's latest turn (their messages since the last reply) matched
 * against published knowledge-base articles (ctx.knowledge, FTS5 bm25) and this team's past answers
 * (past-answers.ts, BM25). Both are ranked on one scale, the share of the question's words the
 * source holds plus a little of its own relevance, so an article and a past answer compare. The
 * same answer given many times counts once, and ranks a little higher for it.
 */
import type { AssistantInput, KnowledgeBase, ReplySuggestion } from "@switchboard/core";
import type { PastAnswers } from "./past-answers.ts";

export interface SuggestOptions {
  /** How many suggestions (the inbox shows three). */
  limit: number;
  /** The least share of the question's words a source must hold (0..1). */
  minCoverage: number;
  /** An article's suggestion is cut to this many characters. */
  maxChars: number;
}

/** The customer's latest turn: their messages after the last reply (or their last message). */
export function latestQuestion(messages: AssistantInput["messages"]): string {
  const lastReply = messages.findLastIndex((m) => m.direction === "outgoing");
  const turn = messages.slice(lastReply + 1).filter((m) => m.direction === "incoming");
  const asked = turn.length > 0 ? turn : messages.filter((m) => m.direction === "incoming").slice(-1);
  return asked
    .map((m) => m.text)
    .join("\n")
    .slice(0, 2000);
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const end = Math.max(head.lastIndexOf(". "), head.lastIndexOf("\n"));
  return end > max / 2 ? head.slice(0, end + 1).trimEnd() : `${head.slice(0, head.lastIndexOf(" ")).trimEnd()}…`;
}

const sameText = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

/**
 * The best replies for the conversation, with their sources.
 *
 * @example
 * const top3 = await suggestReplies(input, { knowledge: ctx.knowledge, answers }, { limit: 3, minCoverage: 0.3, maxChars: 700 });
 */
export async function suggestReplies(
  input: Pick<AssistantInput, "conversationId" | "messages">,
  sources: { knowledge: KnowledgeBase; answers: PastAnswers },
  options: SuggestOptions,
): Promise<ReplySuggestion[]> {
  const question = latestQuestion(input.messages);
  if (!question.trim()) return [];
  const [hits, past] = await Promise.all([
    sources.knowledge.search(question, { limit: options.limit }),
    sources.answers.search(question, { limit: options.limit * 4, exceptConversationId: input.conversationId }),
  ]);
  const ranked: ReplySuggestion[] = [];
  for (const hit of hits) {
    const coverage = hit.asked === 0 ? 0 : hit.matched / hit.asked;
    if (coverage < options.minCoverage) continue;
    const article = await sources.knowledge.get(hit.id);
    if (!article) continue;
    ranked.push({
      text: cut(article.text, options.maxChars),
      source: { kind: "article", articleId: article.id, title: article.title },
      label: `Article: ${article.title}`,
      score: coverage + 0.05 + 0.1 * Math.min(1, -hit.rank / 10),
    });
  }
  const byText = new Map<string, { suggestion: ReplySuggestion; uses: number }>();
  for (const answer of past) {
    if (answer.coverage < options.minCoverage) continue;
    const key = sameText(answer.answer);
    const seen = byText.get(key);
    if (seen) {
      seen.uses++;
      continue;
    }
    byText.set(key, {
      uses: 1,
      suggestion: {
        text: answer.answer,
        source: { kind: "conversation", conversationId: answer.conversationId, messageId: answer.messageId },
        label: `Answered for #${answer.conversationId}`,
        score: answer.coverage + 0.1 * Math.min(1, answer.score / 10),
      },
    });
  }
  for (const { suggestion, uses } of byText.values()) {
    ranked.push({ ...suggestion, score: (suggestion.score ?? 0) + 0.03 * Math.log2(uses) });
  }
  return ranked.sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).slice(0, options.limit);
}
