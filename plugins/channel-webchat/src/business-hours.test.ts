// Business hours in a real time zone: open inside a range, the next opening across days, split
// ranges (in any order), holidays, and a daylight-saving change (Europe/Berlin, 29 March 2026).
import { describe, expect, it } from "vitest";
import { availability } from "./business-hours.ts";

const berlin = { timezone: "Europe/Berlin", days: { monday: "09:00-17:00", friday: "13:00-17:00,09:00-12:00" }, holidays: [] as string[] };
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe("availability", () => {
  it("is always open without business hours", () => {
    expect(availability(undefined, Date.now())).toEqual({ open: true, nextOpenAt: null });
  });

  it("is open inside a range, in the configured time zone", () => {
    expect(availability(berlin, utc("2026-03-02T08:00:00"))).toEqual({ open: true, nextOpenAt: null }); // Monday 09:00 CET
    expect(availability(berlin, utc("2026-03-02T07:59:00"))).toEqual({ open: false, nextOpenAt: utc("2026-03-02T08:00:00") });
    expect(availability(berlin, utc("2026-03-06T09:30:00")).open).toBe(true); // Friday 10:30, the second range listed
  });

  it("finds the next opening after hours, over the weekend, and between split ranges", () => {
    expect(availability(berlin, utc("2026-03-02T16:30:00"))).toEqual({ open: false, nextOpenAt: utc("2026-03-06T08:00:00") }); // Monday 17:30 → Friday 09:00
    expect(availability(berlin, utc("2026-03-06T11:30:00"))).toEqual({ open: false, nextOpenAt: utc("2026-03-06T12:00:00") }); // Friday 12:30 → 13:00
  });

  it("skips holidays and follows a daylight-saving change", () => {
    expect(availability({ ...berlin, holidays: ["2026-03-02"] }, utc("2026-03-01T12:00:00")).nextOpenAt).toBe(utc("2026-03-06T08:00:00"));
    expect(availability(berlin, utc("2026-03-27T17:00:00")).nextOpenAt).toBe(utc("2026-03-30T07:00:00")); // Monday 09:00 CEST
  });

  it("never opens when every day is closed", () => {
    expect(availability({ timezone: "UTC", days: { monday: "" }, holidays: [] }, Date.now())).toEqual({ open: false, nextOpenAt: null });
  });
});
