// Business calendars: open/closed, business time across a weekend, a holiday, split days, a
// DST change (Europe/Berlin, 30 March 2025) and a zone west of UTC.
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { BusinessCalendar } from "./calendar.ts";
import { describeOpening } from "./index.ts";
import { zonedInstant } from "./zone.ts";

const HOUR = 3_600_000;
const hours = (timezone: string, extra: Record<string, unknown> = {}) =>
  new BusinessCalendar(configSchema.parse({ business_hours: { timezone, ...extra } }).business_hours);

describe("BusinessCalendar", () => {
  it("is open on weekdays 09-17 local time, closed at weekends", () => {
    const berlin = hours("Europe/Berlin");
    expect(berlin.isOpen(Date.UTC(2025, 0, 6, 8, 0))).toBe(true); // Monday 09:00 CET
    expect(berlin.isOpen(Date.UTC(2025, 0, 6, 7, 59))).toBe(false);
    expect(berlin.isOpen(Date.UTC(2025, 0, 6, 16, 0))).toBe(false); // 17:00 closes
    expect(berlin.isOpen(Date.UTC(2025, 0, 4, 12, 0))).toBe(false); // Saturday
  });

  it("counts business time across a weekend", () => {
    const utc = hours("UTC");
    const friday16 = Date.UTC(2025, 0, 3, 16);
    expect(utc.addBusinessTime(friday16, 4 * HOUR)).toBe(Date.UTC(2025, 0, 6, 12)); // Monday 12:00
    expect(utc.businessTimeBetween(friday16, Date.UTC(2025, 0, 6, 10))).toBe(2 * HOUR);
    expect(utc.nextOpen(Date.UTC(2025, 0, 4, 12))).toBe(Date.UTC(2025, 0, 6, 9));
  });

  it("skips holidays, and split days with a lunch break", () => {
    const utc = hours("UTC", { holidays: ["2025-01-06"], days: { monday: "09:00-17:00", tuesday: "09:00-12:00,13:00-17:00" } });
    const friday = Date.UTC(2025, 0, 3, 12);
    // Monday the 6th is a holiday, Wednesday to Friday are closed in this table: Tuesday only.
    expect(utc.addBusinessTime(friday, 4 * HOUR)).toBe(Date.UTC(2025, 0, 7, 14));
    expect(utc.isOpen(Date.UTC(2025, 0, 7, 12, 30))).toBe(false);
    expect(utc.businessTimeBetween(Date.UTC(2025, 0, 7, 11), Date.UTC(2025, 0, 7, 14))).toBe(2 * HOUR);
  });

  it("follows the wall clock across a DST change", () => {
    const berlin = hours("Europe/Berlin");
    // Friday 28 March 2025 16:00 CET (15:00 UTC); clocks go forward on Sunday the 30th.
    const friday = Date.UTC(2025, 2, 28, 15);
    // 4 business hours: 1 on Friday, 3 on Monday, so Monday 12:00 CEST = 10:00 UTC (not 11:00).
    expect(berlin.addBusinessTime(friday, 4 * HOUR)).toBe(Date.UTC(2025, 2, 31, 10));
    expect(berlin.isOpen(Date.UTC(2025, 2, 31, 7))).toBe(true); // 09:00 CEST
    expect(berlin.isOpen(Date.UTC(2025, 2, 28, 7, 30))).toBe(false); // 08:30 CET
    // A 24-hour day on the change night is 23 hours long in UTC.
    const allDay = hours("Europe/Berlin", { days: { sunday: "00:00-24:00" } });
    expect(allDay.businessTimeBetween(Date.UTC(2025, 2, 29, 12), Date.UTC(2025, 2, 31, 12))).toBe(23 * HOUR);
  });

  it("resolves local times in a gap and in a repeated hour", () => {
    expect(zonedInstant(2025, 3, 30, 150, "Europe/Berlin")).toBe(Date.UTC(2025, 2, 30, 1, 30)); // 02:30 does not exist: 03:30 CEST
    expect(zonedInstant(2025, 10, 26, 150, "Europe/Berlin")).toBe(Date.UTC(2025, 9, 26, 0, 30)); // the first 02:30 (CEST)
    expect(zonedInstant(2025, 7, 4, 9 * 60, "America/New_York")).toBe(Date.UTC(2025, 6, 4, 13));
  });

  it("says when the team next opens, in its zone", () => {
    const berlin = hours("Europe/Berlin");
    expect(describeOpening(berlin, berlin.nextOpen(Date.UTC(2025, 0, 4, 12)))).toBe("Monday 6 January, 09:00 (Europe/Berlin)");
  });

  it("refuses a zone that does not exist and hours that end before they start", () => {
    expect(configSchema.safeParse({ business_hours: { timezone: "Europe/Berlinn" } }).success).toBe(false);
    expect(configSchema.safeParse({ business_hours: { days: { monday: "17:00-09:00" } } }).success).toBe(false);
    expect(configSchema.safeParse({ business_hours: { days: { monday: "" } } }).success).toBe(false);
  });
});
