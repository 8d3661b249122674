/**
 * SLAs: first-response, next-response and resolution targets per channel, counted in business hours
 * only and paused while a conversation is pending or snoozed, on durable timers that fire
 * `sla.warning` and `sla.breached`. Every clock's outcome (hit, miss, cancelled) stays in
 * `sla_clocks` for reporting.
 */
import { BusinessHoursResolver } from "../business-hours/index.ts";
import type { Services } from "../services.ts";
import { slaTargets } from "./policy.ts";
import { SlaTracker } from "./tracker.ts";

export { CHANNEL_FAMILIES, DEFAULT_TARGETS, slaTargets } from "./policy.ts";

/** What other parts of core (automations, the inbox) use of SLAs. */
export interface Sla {
  /** Business hours per inbox, team or conversation. */
  hours: BusinessHoursResolver;
  /** A conversation's targets in business milliseconds (null: none). */
  targets: (conversation: { inbox: string; channel: string }) => ReturnType<typeof slaTargets>;
}

/**
 * Starts SLA tracking (unless `[sla] enabled = false`) and returns the business hours resolver.
 *
 * @example
 * const sla = setupSla(switchboard);
 * sla.hours.forInbox("support").isOpen(Date.now());
 */
export function setupSla(sb: Services): Sla {
  const hours = new BusinessHoursResolver(sb.loaded.config);
  if (sb.loaded.config.sla.enabled) new SlaTracker(sb, hours).start();
  return { hours, targets: (conversation) => slaTargets(sb.loaded.config, conversation, sb.registry.familyOf(conversation.channel)) };
}
