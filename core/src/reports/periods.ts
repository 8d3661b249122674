/**
 * Where reports cut time: hourly buckets (UTC hours), daily buckets (local days in the reports time
 * zone, 23 or 25 hours across a DST change) and weeks (Monday 00:00 local). All intervals are
 * half-open, [start, end).
 */
import { addDays, localDateTime, zonedInstant } from "../business-hours/zone.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export type Grain = "hour" | "day";

/**
 * The start of the hour of `at` (UTC).
 *
 * @example
 * hourStart(Date.UTC(2026, 0, 5, 9, 30)); // Date.UTC(2026, 0, 5, 9, 0)
 */
export function hourStart(at: number): number {
  return Math.floor(at / HOUR) * HOUR;
}

/**
 * The local day of `at` in `timeZone`, as [start, end).
 *
 * @example
 * dayOf(Date.UTC(2026, 2, 29, 12), "Europe/Berlin"); // a 23-hour day: spring forward
 */
export function dayOf(at: number, timeZone: string): [number, number] {
  const local = localDateTime(at, timeZone);
  const next = addDays(local, 1);
  return [zonedInstant(local.year, local.month, local.day, 0, timeZone), zonedInstant(next.year, next.month, next.day, 0, timeZone)];
}

/**
 * The bucket of `at` for a grain, as [start, end).
 *
 * @example
 * bucketOf("hour", at, "UTC");
 */
export function bucketOf(grain: Grain, at: number, timeZone: string): [number, number] {
  if (grain === "hour") {
    const start = hourStart(at);
    return [start, start + HOUR];
  }
  return dayOf(at, timeZone);
}

/**
 * The local week (Monday 00:00 to Monday 00:00) holding `at`, `offset` weeks away (-1: the week before).
 *
 * @example
 * const [from, to] = weekOf(Date.now(), "Europe/Berlin", -1); // last week
 */
export function weekOf(at: number, timeZone: string, offset = 0): [number, number] {
  const local = localDateTime(at, timeZone);
  const monday = addDays(local, -((local.weekday + 6) % 7) + offset * 7);
  const next = addDays(monday, 7);
  return [zonedInstant(monday.year, monday.month, monday.day, 0, timeZone), zonedInstant(next.year, next.month, next.day, 0, timeZone)];
}

/**
 * Whether [from, to) is made of whole buckets of a grain.
 *
 * @example
 * alignedTo("day", from, to, "Europe/Berlin");
 */
export function alignedTo(grain: Grain, from: number, to: number, timeZone: string): boolean {
  return bucketOf(grain, from, timeZone)[0] === from && bucketOf(grain, to, timeZone)[0] === to;
}
