/**
 * A business calendar: opening hours per weekday and holidays, in one IANA time zone. It answers
 * whether the team is open, when it next opens, how much business time lies between two instants,
 * and when a given amount of business time has passed (what SLA clocks count). Hours are read on
 * the local wall clock, so a DST change moves them in UTC as it should.
 */
import type { BusinessHours } from "../config/schema.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { addDays, isoDate, localDateTime, zonedInstant } from "./zone.ts";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
/** How far the calendar looks ahead for opening hours before it gives up (three years). */
const HORIZON_DAYS = 1100;

type Date3 = { year: number; month: number; day: number };

/**
 * Parses "09:00-12:00,13:00-17:00" into minute ranges after midnight; "" is closed.
 *
 * @example
 * parseRanges("09:00-12:30"); // [[540, 750]]
 */
export function parseRanges(text: string): [number, number][] {
  if (text.trim() === "") return [];
  return text.split(",").map((range) => {
    const [from, to] = range.split("-").map((hm) => {
      const [h, m] = hm!.trim().split(":").map(Number);
      return h! * 60 + m!;
    });
    if (from === undefined || to === undefined || !(from < to)) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `The opening hours "${range}" end before they start. Write them as "HH:MM-HH:MM" with the end later, e.g. "09:00-17:00".`,
      );
    }
    return [from, to] as [number, number];
  });
}

/**
 * Opening hours per weekday and holidays in one time zone, with business-time arithmetic.
 *
 * @example
 * const calendar = new BusinessCalendar({ timezone: "Europe/Berlin", days: { monday: "09:00-17:00" }, holidays: ["2025-12-22"] });
 * calendar.addBusinessTime(Date.now(), 30 * 60_000);
 */
export class BusinessCalendar {
  readonly timezone: string;
  readonly #week: [number, number][][];
  readonly #holidays: Set<string>;

  /** Throws SWB_ERR_VALIDATION for ranges that end before they start, or a week with no opening hours. */
  constructor(hours: BusinessHours) {
    this.timezone = hours.timezone;
    this.#week = WEEKDAYS.map((day) => parseRanges(hours.days[day] ?? "").sort((a, b) => a[0] - b[0]));
    this.#holidays = new Set(hours.holidays);
    if (this.#week.every((ranges) => ranges.length === 0)) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        'These business hours have no open day. Give at least one day hours, e.g. monday = "09:00-17:00".',
      );
    }
  }

  /** The open intervals of one local date, as [start, end) instants; none on a holiday. */
  intervalsOn(date: Date3 & { weekday: number }): [number, number][] {
    if (this.#holidays.has(isoDate(date))) return [];
    return this.#week[date.weekday]!.map(([from, to]) => [
      zonedInstant(date.year, date.month, date.day, from, this.timezone),
      zonedInstant(date.year, date.month, date.day, to, this.timezone),
    ]);
  }

  /** Calls `visit` with each open interval from the local date of `from` on, until it returns true. */
  #walk(from: number, visit: (start: number, end: number) => boolean): void {
    const local = localDateTime(from, this.timezone);
    for (let i = 0; i < HORIZON_DAYS; i++) {
      for (const [start, end] of this.intervalsOn(addDays(local, i))) if (visit(start, end)) return;
    }
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `No opening hours in the ${HORIZON_DAYS} days after ${new Date(from).toISOString()}: check the holidays of the business hours.`,
    );
  }

  /**
   * Whether the team is open at `instant`.
   *
   * @example
   * calendar.isOpen(Date.UTC(2025, 0, 4, 12)); // false: a Saturday
   */
  isOpen(instant: number): boolean {
    return this.intervalsOn(localDateTime(instant, this.timezone)).some(([start, end]) => start <= instant && instant < end);
  }

  /** `instant` when open, else the next time the team opens. */
  nextOpen(instant: number): number {
    let found = instant;
    this.#walk(instant, (start, end) => {
      if (end <= instant) return false;
      found = Math.max(start, instant);
      return true;
    });
    return found;
  }

  /**
   * The instant at which `durationMs` of business time has passed since `start`.
   *
   * @example
   * // Friday 16:00 + 4 business hours, open 09:00-17:00 on weekdays: Monday 12:00.
   * calendar.addBusinessTime(fridayAt1600, 4 * 3_600_000);
   */
  addBusinessTime(start: number, durationMs: number): number {
    let remaining = Math.max(0, durationMs);
    if (remaining === 0) return start;
    let due = start;
    this.#walk(start, (from, end) => {
      if (end <= start) return false;
      const begin = Math.max(from, start);
      if (remaining <= end - begin) {
        due = begin + remaining;
        return true;
      }
      remaining -= end - begin;
      return false;
    });
    return due;
  }

  /**
   * The business time between two instants, in milliseconds (0 when `to` is not after `from`).
   *
   * @example
   * calendar.businessTimeBetween(fridayAt1600, mondayAt1000); // 2 hours: Friday 16-17, Monday 9-10
   */
  businessTimeBetween(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    this.#walk(from, (start, end) => {
      if (start >= to) return true;
      total += Math.max(0, Math.min(end, to) - Math.max(start, from));
      return false;
    });
    return total;
  }
}
