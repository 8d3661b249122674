/**
 * The FAQ built-in: answers a customer's question from the configured list or else from the
 * best-matching published knowledge-base article (knowledge-answer.ts), always followed by the
 * escape hatch ("Reply 'agent' to talk to a person."). A request for a person ("agent", "I want to
 * talk to a human", "Kann ich mit einem Mitarbeiter sprechen?"; see handover.ts) hands the conversation to
 * a person at once: high priority, routed now, a note for agents, and no more bot answers there.
 * Once an agent has answered, the FAQ stays quiet.
 */
import type { AutomationsConfig } from "../../config/automations.ts";
import { updateConversation } from "../../conversations/update.ts";
import type { Routing } from "../../routing/index.ts";
import { type ActionServices, agentReplied, automationActor, sendAutomated } from "../actions.ts";
import type { RuleContext } from "../context.ts";
import { claimFire, firesOf } from "../fires.ts";
import { renderTemplate } from "../template.ts";
import { handoverMatcher } from "./handover.ts";
import { knowledgeAnswer } from "./knowledge-answer.ts";

type FaqConfig = AutomationsConfig["faq"];
const PRIORITY_RANK = { none: 0, low: 1, medium: 2, high: 3, urgent: 4 } as const;

/**
 * The answer of the first entry that matches the text, or undefined.
 *
 * @example
 * faqAnswer("When are you open?", [{ keywords: ["open"], answer: "9 to 5" }]); // "9 to 5"
 */
export function faqAnswer(text: string, entries: FaqConfig["entries"]): string | undefined {
  const lower = text.toLowerCase();
  return entries.find(
    (entry) =>
      entry.keywords.some((k) => lower.includes(k.toLowerCase())) ||
      (entry.pattern !== undefined && new RegExp(entry.pattern, "iu").test(text)),
  )?.answer;
}

/** One compiled matcher per FAQ config. */
const matchers = new WeakMap<FaqConfig, (text: string) => boolean>();
function askers(faq: FaqConfig): (text: string) => boolean {
  let matcher = matchers.get(faq);
  if (!matcher) matchers.set(faq, (matcher = handoverMatcher(faq.handover_words, faq.handover_phrases)));
  return matcher;
}

/** Whether a person already took the conversation (an agent replied, or the customer asked for one). */
async function personInCharge(sb: ActionServices, conversationId: number): Promise<boolean> {
  if ((await firesOf(sb.store, conversationId, "faq.handover")) > 0) return true;
  return agentReplied(sb, conversationId);
}

/**
 * Handles a customer message for the FAQ: hands over, or answers. Resolves to whether it did either
 * (then the acknowledgement and out-of-hours notice stay quiet for this message).
 *
 * @example
 * if (!(await runFaq(switchboard, routing, config.faq, context))) await runGreeting(switchboard, config, context, true);
 */
export async function runFaq(sb: ActionServices, routing: Routing, faq: FaqConfig, context: RuleContext): Promise<boolean> {
  const { conversation, message, now } = context;
  if (!faq.enabled || !message || (await personInCharge(sb, conversation.id))) return false;
  if (askers(faq)(message.text)) {
    if (!(await claimFire(sb.store, { conversationId: conversation.id, rule: "faq.handover", event: "message.created", max: 1, now })))
      return false;
    const actor = automationActor("faq");
    if (PRIORITY_RANK[conversation.priority] < PRIORITY_RANK.high)
      await updateConversation(sb, actor, conversation.id, { priority: "high" });
    await sendAutomated(sb, context, "faq.handover", renderTemplate(faq.handover_text, context.values));
    await sendAutomated(sb, context, "faq.handover", "The customer asked for a person; the FAQ bot stopped answering here.", {
      note: true,
    });
    await routing.routeNow(conversation.id);
    return true;
  }
  const answer = faqAnswer(message.text, faq.entries) ?? (await knowledgeAnswer(sb.store.db, faq.knowledge, message));
  if (answer === undefined) return false;
  if (!(await claimFire(sb.store, { conversationId: conversation.id, rule: "faq", event: "message.created", max: faq.max_answers, now })))
    return false;
  await sendAutomated(sb, context, "faq", `${renderTemplate(answer, context.values)}\n\n${renderTemplate(faq.hint, context.values)}`);
  return true;
}
