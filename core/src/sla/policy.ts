/**
 * SLA targets per conversation: built-in defaults by kind of channel (live chat 2 min, messaging
 * apps 30 min, email 4 h to first response), then `[sla.channels.<kind>]`, then the inbox's own
 * `[inboxes.<name>.sla]`. Targets are business minutes; 0 means no target.
 */
import type { SwitchboardConfig } from "../config/schema.ts";
import type { SlaTargetsConfig } from "../config/sla.ts";
import type { SlaTarget } from "../store/schema.ts";

type Targets = Required<SlaTargetsConfig>;

/** The defaults of common practice, by kind of channel. */
export const DEFAULT_TARGETS = {
  live_chat: { first_response_minutes: 2, next_response_minutes: 2, resolution_minutes: 240 },
  messaging: { first_response_minutes: 30, next_response_minutes: 30, resolution_minutes: 1440 },
  email: { first_response_minutes: 240, next_response_minutes: 480, resolution_minutes: 2880 },
} as const satisfies Record<string, Targets>;

/** Channel kinds that are live chat; "email" is email; every other kind is a messaging app. */
const LIVE_CHAT = new Set(["webchat", "livechat", "chat", "widget"]);

/**
 * Which default family a channel kind belongs to.
 *
 * @example
 * channelFamily("telegram"); // "messaging"
 */
export function channelFamily(channel: string): keyof typeof DEFAULT_TARGETS {
  if (LIVE_CHAT.has(channel)) return "live_chat";
  return channel === "email" ? "email" : "messaging";
}

/**
 * The targets of a conversation in an inbox, in business milliseconds (null: no target).
 *
 * @example
 * slaTargets(config, { inbox: "mail", channel: "email" }).first_response; // 14_400_000
 */
export function slaTargets(config: Pick<SwitchboardConfig, "sla" | "inboxes">, conversation: { inbox: string; channel: string }): Record<SlaTarget, number | null> {
  const merged: Targets = { ...DEFAULT_TARGETS[channelFamily(conversation.channel)], ...config.sla.channels[conversation.channel], ...config.inboxes[conversation.inbox]?.sla };
  const ms = (minutes: number) => (minutes > 0 ? Math.round(minutes * 60_000) : null);
  return { first_response: ms(merged.first_response_minutes), next_response: ms(merged.next_response_minutes), resolution: ms(merged.resolution_minutes) };
}
