/**
 * Custom rules from `[[automations.rules]]`: for an event, every enabled rule on that event whose
 * conditions hold fires (within its per-conversation limit) and performs its actions in order.
 * An action that fails is logged and the rule's other actions still run.
 */
import type { AutomationsConfig, RuleConfig } from "../config/automations.ts";
import { describeError } from "../errors/index.ts";
import { type ActionServices, performAction } from "./actions.ts";
import { conditionsHold } from "./conditions.ts";
import type { RuleContext } from "./context.ts";
import { claimFire } from "./fires.ts";

export type RuleEvent = RuleConfig["on"];

/**
 * Runs the custom rules of `event` in `context`. Resolves to the names of the rules that fired.
 *
 * @example
 * await runRules(sb, config, "conversation.assigned", context, { name: event.name, data: event.data });
 */
export async function runRules(
  sb: ActionServices,
  config: AutomationsConfig,
  on: RuleEvent,
  context: RuleContext,
  event: { name: string; data: unknown },
  only?: string,
): Promise<string[]> {
  const fired: string[] = [];
  for (const rule of config.rules) {
    if (!rule.enabled || rule.on !== on || (only !== undefined && rule.name !== only) || !conditionsHold(rule.when, context)) continue;
    const max = rule.max_fires ?? config.max_fires_per_conversation;
    if (!(await claimFire(sb.store, { conversationId: context.conversation.id, rule: rule.name, event: on, max, now: context.now })))
      continue;
    fired.push(rule.name);
    for (const [index, action] of rule.actions.entries()) {
      try {
        await performAction(sb, rule.name, action, context, event, index);
      } catch (error) {
        sb.log.error(
          { rule: rule.name, action: action.type, conversationId: context.conversation.id, error: describeError(error) },
          "automation action failed; the rule's other actions still run",
        );
      }
    }
  }
  return fired;
}
