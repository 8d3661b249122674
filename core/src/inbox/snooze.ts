/**
 * When a snooze ends, in the agent's own time zone: a preset (later today, tomorrow 9:00, next
 * Monday 9:00), or the time they typed read as their zone's wall clock (DST included). Undefined
 * when the agent has no time zone and typed a time: the browser's offset is used then.
 */
import type { Agent } from "../auth/agents.ts";
import { timeFormatOf } from "../auth/preferences.ts";
import { type SnoozePreset, snoozePresetTime, zonedToUtc } from "./zoned-time.ts";

/**
 * @example
 * const until = snoozeUntil({ preset: "tomorrow" }, session.agent, clock.now());
 */
export function snoozeUntil(
  form: { preset?: SnoozePreset; until?: string },
  agent: Pick<Agent, "timeZone" | "locale">,
  now: number,
): number | undefined {
  const { timeZone } = timeFormatOf(agent);
  if (form.preset) return snoozePresetTime(form.preset, now, timeZone);
  if (agent.timeZone && form.until) return zonedToUtc(form.until.slice(0, 16), timeZone);
  return undefined;
}
