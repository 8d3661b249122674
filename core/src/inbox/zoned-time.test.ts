// Times in an agent's time zone: wall-clock times across DST changes and the snooze presets.
import { describe, expect, it } from "vitest";
import { snoozePresetTime, zonedTime, zonedToUtc } from "./zoned-time.ts";

describe("times in the agent's zone", () => {
  it("reads a wall-clock time as the zone's, on both sides of a DST change", () => {
    // Berlin moves to summer time on 2026-03-29 at 02:00.
    expect(new Date(zonedToUtc("2026-03-28T09:00", "Europe/Berlin")!).toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(new Date(zonedToUtc("2026-03-30T09:00", "Europe/Berlin")!).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    // New York falls back on 2026-11-01.
    expect(new Date(zonedToUtc("2026-11-02T09:00", "America/New_York")!).toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(zonedToUtc("not a time", "UTC")).toBeUndefined();
  });

  it("ends the presets at 9:00 local time, across a DST change", () => {
    const saturdayEvening = Date.parse("2026-03-28T18:00:00Z"); // 19:00 in Berlin, winter time
    expect(new Date(snoozePresetTime("tomorrow", saturdayEvening, "Europe/Berlin")).toISOString()).toBe("2026-03-29T07:00:00.000Z");
    expect(new Date(snoozePresetTime("monday", saturdayEvening, "Europe/Berlin")).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(snoozePresetTime("later", saturdayEvening, "Europe/Berlin")).toBe(saturdayEvening + 3 * 3_600_000);
    const monday = Date.parse("2026-03-30T10:00:00Z");
    expect(new Date(snoozePresetTime("monday", monday, "Europe/Berlin")).toISOString()).toBe("2026-04-06T07:00:00.000Z");
  });

  it("writes a time in the agent's zone and locale", () => {
    expect(zonedTime(Date.parse("2026-03-30T07:00:00Z"), { timeZone: "Europe/Berlin", locale: "en-GB" })).toBe("30 Mar 2026, 09:00");
  });
});
