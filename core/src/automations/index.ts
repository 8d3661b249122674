/**
 * Automations, from `[automations]` in the config: built-in rules (acknowledgement, out-of-hours
 * notice, FAQ with a human escape hatch, follow-up, CSAT and CES survey) and custom rules. Off unless
 * `[automations] enabled = true`. Loop-safe: auto-replies and bots never trigger a rule, and each
 * rule fires a limited number of times per conversation.
 */
import type { Routing } from "../routing/index.ts";
import type { Services } from "../services.ts";
import type { Sla } from "../sla/index.ts";
import { startEngine } from "./engine.ts";

/**
 * Starts the automation engine when automations are enabled. Call after routing and SLAs are set up.
 *
 * @example
 * setupAutomations(switchboard, { routing, sla });
 */
export function setupAutomations(sb: Services, deps: { routing: Routing; sla: Sla }): void {
  const config = sb.loaded.config.automations;
  if (!config.enabled) return;
  const { captureAnswer } = startEngine({ sb, config, ...deps });
  sb.inbound.take(captureAnswer);
}
