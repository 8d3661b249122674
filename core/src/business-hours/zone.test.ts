// Zone arithmetic against Intl's own answers: the local date and time of instants across DST
// changes, half- and quarter-hour zones, a zone whose DST moves by 30 minutes, and a date before
// standard time (an offset with seconds).
import { describe, expect, it } from "vitest";
import { localDateTime } from "./zone.ts";

function intlLocal(instant: number, timeZone: string) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
  });
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday!);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday,
  };
}

describe("localDateTime", () => {
  const zones = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
  ];
  it("agrees with Intl around DST changes in every kind of zone", () => {
    // Every 7 minutes across the days around 2025's changes (spring and autumn, both hemispheres).
    const days = [
      Date.UTC(2025, 2, 8),
      Date.UTC(2025, 2, 29),
      Date.UTC(2025, 3, 5),
      Date.UTC(2025, 8, 27),
      Date.UTC(2025, 9, 25),
      Date.UTC(2025, 10, 1),
    ];
    for (const timeZone of zones)
      for (const day of days)
        for (let instant = day; instant < day + 2 * 86_400_000; instant += 7 * 60_000 + 13_000)
          expect(localDateTime(instant, timeZone), `${timeZone} ${new Date(instant).toISOString()}`).toEqual(intlLocal(instant, timeZone));
  });

  it("agrees with Intl before standard time, when offsets had seconds", () => {
    for (const instant of [Date.UTC(1900, 0, 1, 12, 0, 30), Date.UTC(1920, 5, 15, 23, 59, 59)])
      for (const timeZone of ["Europe/Amsterdam", "Asia/Kolkata", "America/New_York"])
        expect(localDateTime(instant, timeZone), `${timeZone} ${new Date(instant).toISOString()}`).toEqual(intlLocal(instant, timeZone));
  });
});
