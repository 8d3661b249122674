/**
 * Question → answer pairs from a resolved conversation: each agent's reply with the customer's
 * messages it answered (those since the previous reply). Replies by automations and plugins
 * (no agent) are not answers of this team, and are left out.
 */
import type { ConversationMessage } from "@switchboard/core";

export interface AnswerPair {
  conversationId: number;
  /** The agent's reply. */
  messageId: number;
  question: string;
  answer: string;
}

/** At most this much of a question is indexed, and of an answer kept. */
const MAX_QUESTION = 1000;
const MAX_ANSWER = 2000;

/**
 * The pairs of one conversation, in order.
 *
 * @example
 * answerPairs(7, messages); // [{ conversationId: 7, messageId: 12, question: "Where is my parcel?", answer: "It ships today." }]
 */
export function answerPairs(conversationId: number, messages: ConversationMessage[]): AnswerPair[] {
  const pairs: AnswerPair[] = [];
  let asked: string[] = [];
  for (const message of messages) {
    const text = message.text.trim();
    if (message.direction === "incoming") {
      if (text) asked.push(text);
      continue;
    }
    if (message.authorAgentId === null || !text) continue;
    if (asked.length > 0)
      pairs.push({
        conversationId,
        messageId: message.id,
        question: asked.join("\n").slice(0, MAX_QUESTION),
        answer: text.slice(0, MAX_ANSWER),
      });
    asked = [];
  }
  return pairs;
}
