/**
 * SLA targets per conversation: built-in defaults by the family its channel declares
 * (`ChannelDefinition.family`: live chat 2 min, messaging apps 30 min, social 1 h, email 4 h to
 * first response), then `[sla.channels.<kind>]`, then the inbox's own `[inboxes.<name>.sla]`.
 * Targets are business minutes; 0 means no target.
 */
import type { SwitchboardConfig } from "../config/schema.ts";
import type { SlaTargetsConfig } from "../config/sla.ts";
import type { ChannelFamily } from "../plugins/types.ts";
import type { SlaTarget } from "../store/schema.ts";

type Targets = Required<SlaTargetsConfig>;

const messaging = { first_response_minutes: 30, next_response_minutes: 30, resolution_minutes: 1440 } as const;

/**
 * The defaults of common practice, by channel family. An "api" channel carries whatever another
 * system sends (a shop's form, an app's chat), so it gets the messaging defaults, as a channel
 * that declares no family does.
 */
export const DEFAULT_TARGETS = {
  "live-chat": { first_response_minutes: 2, next_response_minutes: 2, resolution_minutes: 240 },
  messaging,
  social: { first_response_minutes: 60, next_response_minutes: 60, resolution_minutes: 1440 },
  email: { first_response_minutes: 240, next_response_minutes: 480, resolution_minutes: 2880 },
  api: messaging,
} as const satisfies Record<ChannelFamily, Targets>;

/** Every channel family, in the order of `DEFAULT_TARGETS`. */
export const CHANNEL_FAMILIES = Object.keys(DEFAULT_TARGETS) as [ChannelFamily, ...ChannelFamily[]];

/**
 * The targets of a conversation in an inbox, in business milliseconds (null: no target). `family`
 * is what the conversation's channel declared (`registry.familyOf(channel)`).
 *
 * @example
 * slaTargets(config, { inbox: "mail", channel: "email" }, "email").first_response; // 14_400_000
 */
export function slaTargets(
  config: Pick<SwitchboardConfig, "sla" | "inboxes">,
  conversation: { inbox: string; channel: string },
  family: ChannelFamily,
): Record<SlaTarget, number | null> {
  const merged: Targets = {
    ...DEFAULT_TARGETS[family],
    ...config.sla.channels[conversation.channel],
    ...config.inboxes[conversation.inbox]?.sla,
  };
  const ms = (minutes: number) => (minutes > 0 ? Math.round(minutes * 60_000) : null);
  return {
    first_response: ms(merged.first_response_minutes),
    next_response: ms(merged.next_response_minutes),
    resolution: ms(merged.resolution_minutes),
  };
}
