/** Short human times for the inbox: "now", "5m", "3h", "2d", then a date; full times in the agent's zone. */
import { createContext, useContext } from "hono/jsx";
import type { TimeFormat } from "../../auth/preferences.ts";
import { zonedTime } from "../zoned-time.ts";

/**
 * How long ago `at` was, briefly.
 *
 * @example
 * relativeTime(now - 90_000, now); // "1m"
 */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return "now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)}d`;
  return new Date(at).toISOString().slice(0, 10);
}

/** A full timestamp for tooltips and the timeline: in the agent's zone and locale when they chose them, else in UTC. */
export function fullTime(at: number): string {
  const format = useContext(AgentTimeFormat);
  return format ? zonedTime(at, format) : new Date(at).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/**
 * The signed-in agent's time zone and locale, provided around every inbox page and fragment
 * (render.ts) when they chose them in their settings; times render in it.
 */
export const AgentTimeFormat = createContext<TimeFormat | undefined>(undefined);
