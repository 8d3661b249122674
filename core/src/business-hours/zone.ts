/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl: the UTC offset of a zone at an
 * instant, the local date and time of an instant, and the instant of a local date and time. Local
 * times a DST change skips (02:30 on a spring-forward night) resolve to the moment after the gap;
 * times it repeats resolve to the first of the two.
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";

/** A calendar date and a time of day, as a clock on the wall of the zone shows them. */
export interface LocalDateTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The local date and time of `instant` (ms since the epoch) in `timeZone`.
 *
 * @example
 * localDateTime(Date.UTC(2025, 0, 6, 8, 0), "Europe/Berlin"); // { year: 2025, month: 1, day: 6, hour: 9, minute: 0, weekday: 1 }
 */
export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  // The zone's offset (remembered per minute, below) turns the instant into its wall time: asking
  // Intl for the parts of every instant was most of a new conversation's SLA due times (issue 22).
  const wall = new Date(instant + offsetAt(instant, timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    weekday: wall.getUTCDay(),
  };
}

/**
 * The zone's offset from UTC at `instant`, in milliseconds (positive east of Greenwich).
 *
 * @example
 * offsetAt(Date.UTC(2025, 6, 1), "Europe/Berlin"); // 7_200_000 (UTC+2 in summer)
 */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 60_000) * 60_000;
  return remembered(offsets, `${timeZone}|${whole}`, () => offsetAtMinute(whole, timeZone));
}

/**
 * What pure zone arithmetic answered lately: SLA due times ask the same few instants (today's
 * opening and closing times) for every conversation, and each answer costs Intl several
 * formatToParts calls (a tenth of a new conversation's CPU, issue 22). Bounded: emptied when full.
 */
const offsets = new Map<string, number>();
const instants = new Map<string, number>();
const REMEMBERED = 10_000;

function remembered(cache: Map<string, number>, key: string, compute: () => number): number {
  const known = cache.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (cache.size >= REMEMBERED) cache.clear();
  cache.set(key, value);
  return value;
}

function offsetAtMinute(whole: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(whole))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - whole;
}

/**
 * The instant a clock in `timeZone` shows `minutes` after midnight on the given date. `minutes`
 * may be 1440 (the end of the day, which is the next day's midnight).
 *
 * @example
 * zonedInstant(2025, 3, 31, 9 * 60, "Europe/Berlin"); // Date.UTC(2025, 2, 31, 7, 0): summer time, UTC+2
 */
export function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  if (minutes < 0 || minutes > 1440)
    throw new SwitchboardError(ErrorCodes.VALIDATION, `A time of day is 0-1440 minutes after midnight, not ${minutes}.`);
  return remembered(instants, `${timeZone}|${year}-${month}-${day}|${minutes}`, () => instantOf(year, month, day, minutes, timeZone));
}

function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  const before = offsetAt(wall - 86_400_000 / 2, timeZone);
  const after = offsetAt(wall + 86_400_000 / 2, timeZone);
  // Try the offset before a change first (the earlier of two repeated times), then the one after.
  for (const offset of [before, after]) {
    const candidate = wall - offset;
    if (offsetAt(candidate, timeZone) === offset) return candidate;
  }
  // The wall time falls in a gap the zone skips: move it forward by the gap's length.
  return wall - before;
}

/**
 * The calendar date after `year-month-day`, by `days` (negative goes back).
 *
 * @example
 * addDays({ year: 2024, month: 2, day: 28 }, 2); // { year: 2024, month: 3, day: 1 }
 */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number; weekday: number } {
  const at = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), weekday: at.getUTCDay() };
}

/**
 * "YYYY-MM-DD" of a calendar date.
 *
 * @example
 * isoDate({ year: 2025, month: 1, day: 6 }); // "2025-01-06"
 */
export function isoDate(date: { year: number; month: number; day: number }): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}
