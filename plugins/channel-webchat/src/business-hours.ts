/**
 * Business hours: is the team open now, and if not, when does it open next? Wall-clock times are
 * read in the configured IANA time zone with Intl, so daylight-saving changes are handled.
 */
import type { BusinessHours, Weekday } from "./options.ts";

const WEEKDAYS: Weekday[] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Whether the team is open at a moment, and when it next opens (null when it never does within two weeks). */
export interface Availability {
  open: boolean;
  nextOpenAt: number | null;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

function wallTime(at: number, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), minutes: get("hour") * 60 + get("minute") };
}

/** The instant at which the wall clock in `timeZone` shows this date and minute of the day. */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day) + minutes * MINUTE;
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = wallTime(guess, timeZone);
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day) + shown.minutes * MINUTE;
    guess += asUtc - shownAsUtc;
  }
  return guess;
}

function ranges(spec: string | undefined): [number, number][] {
  if (!spec) return [];
  return spec.split(",").map((range) => {
    const [from, to] = range.split("-").map((time) => {
      const [h, m] = time.split(":").map(Number);
      return h! * 60 + m!;
    });
    return [from!, to!];
  });
}

/**
 * Reads business hours at a moment. Without hours, the team is always open.
 *
 * @example
 * availability({ timezone: "Europe/Berlin", days: { monday: "09:00-17:00" }, holidays: [] }, Date.now());
 * // { open: false, nextOpenAt: 1767600000000 }
 */
export function availability(hours: BusinessHours | undefined, now: number): Availability {
  if (!hours) return { open: true, nextOpenAt: null };
  const today = wallTime(now, hours.timezone);
  for (let offset = 0; offset < 15; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day) + offset * DAY);
    const iso = date.toISOString().slice(0, 10);
    if (hours.holidays.includes(iso)) continue;
    const day = ranges(hours.days[WEEKDAYS[date.getUTCDay()]!]).sort((a, b) => a[0] - b[0]);
    if (offset === 0 && day.some(([from, to]) => today.minutes >= from && today.minutes < to)) return { open: true, nextOpenAt: null };
    const next = day.find(([from]) => offset > 0 || from > today.minutes);
    if (next)
      return {
        open: false,
        nextOpenAt: instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), next[0], hours.timezone),
      };
  }
  return { open: false, nextOpenAt: null };
}
