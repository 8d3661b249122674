/**
 * Two built-ins for a new customer message: the acknowledgement with the expected response time
 * (the SLA's first-response target) on a conversation's first message in business hours, and the
 * out-of-hours notice (when the team is back) on a message outside them. Each fires at most once
 * per conversation, and neither once an agent has replied: an agent who answers within milliseconds
 * never sees an automatic "we will answer soon" arrive after their answer.
 */
import type { AutomationsConfig } from "../../config/automations.ts";
import { type ActionServices, agentReplied, sendAutomated } from "../actions.ts";
import type { RuleContext } from "../context.ts";
import { claimFire } from "../fires.ts";
import { renderTemplate } from "../template.ts";

/**
 * Sends the acknowledgement or the out-of-hours notice, when due.
 *
 * @example
 * await runGreeting(sb, config, context, true);
 */
export async function runGreeting(
  sb: ActionServices,
  config: Pick<AutomationsConfig, "acknowledgement" | "out_of_hours">,
  context: RuleContext,
  firstMessage: boolean,
): Promise<void> {
  const { conversation, now } = context;
  const open = context.calendar.isOpen(now);
  // Checked last, just before sending: the agent may have answered while the context was loaded.
  const once = async (rule: string) =>
    (await claimFire(sb.store, { conversationId: conversation.id, rule, event: "message.created", max: 1, now })) &&
    !(await agentReplied(sb, conversation.id));
  if (!open && config.out_of_hours.enabled) {
    if (await once("out_of_hours"))
      await sendAutomated(sb, context, "out_of_hours", renderTemplate(config.out_of_hours.text, context.values));
    return;
  }
  if (open && firstMessage && config.acknowledgement.enabled && context.values["sla.first_response"]) {
    if (await once("acknowledgement"))
      await sendAutomated(sb, context, "acknowledgement", renderTemplate(config.acknowledgement.text, context.values));
  }
}
