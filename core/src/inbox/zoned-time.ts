/**
 * Times in an agent's own time zone (an IANA name, DST included): a wall-clock time read as that
 * zone's, the snooze presets (later today, tomorrow 9:00, next Monday 9:00), and a timestamp
 * written in the agent's zone and locale.
 */
import type { TimeFormat } from "../auth/preferences.ts";

/** The zone's offset from UTC at `at`, in milliseconds (Berlin in summer: +7_200_000). */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time ("2026-03-29T09:00") has in a time zone, across DST changes: the
 * time asked for, or, in a spring-forward gap, the same time after the jump.
 *
 * @example
 * zonedToUtc("2026-03-30T09:00", "Europe/Berlin"); // 2026-03-30T07:00:00Z (summer time)
 */
export function zonedToUtc(local: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(wall)) return undefined;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}

/** The wall-clock date ("2026-03-29") and weekday (0 = Sunday) of an instant in a zone. */
function localDate(at: number, timeZone: string): { date: string; weekday: number } {
  const shifted = new Date(at + offsetAt(at, timeZone));
  return { date: shifted.toISOString().slice(0, 10), weekday: shifted.getUTCDay() };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export type SnoozePreset = "later" | "tomorrow" | "monday";

/**
 * When a snooze preset ends, for an agent in `timeZone`: later today is in 3 hours, tomorrow and
 * next Monday are at 9:00 their time (DST included).
 *
 * @example
 * snoozePresetTime("tomorrow", Date.now(), "America/New_York");
 */
export function snoozePresetTime(preset: SnoozePreset, now: number, timeZone: string): number {
  if (preset === "later") return now + 3 * 3_600_000;
  const today = localDate(now, timeZone);
  const days = preset === "tomorrow" ? 1 : (8 - today.weekday) % 7 || 7;
  return zonedToUtc(`${addDays(today.date, days)}T09:00`, timeZone)!;
}

/**
 * A timestamp in the agent's zone and locale ("30 Mar 2026, 09:00").
 *
 * @example
 * zonedTime(Date.now(), { timeZone: "Europe/Berlin", locale: "de-DE" });
 */
export function zonedTime(at: number, format: TimeFormat): string {
  return new Intl.DateTimeFormat(format.locale, { timeZone: format.timeZone, dateStyle: "medium", timeStyle: "short" }).format(at);
}
