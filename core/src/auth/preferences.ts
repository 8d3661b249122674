/**
 * An agent's own preferences: the time zone times are shown in, the locale dates are written in,
 * and the availability they have after signing in. Time zones are IANA names ("Europe/Berlin")
 * and locales BCP 47 tags ("de-DE"), both checked against what the runtime's Intl knows.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Store } from "../store/index.ts";
import { agents } from "../store/schema.ts";
import type { Agent } from "./agents.ts";

/** Shown when an agent has not picked a time zone or a locale. */
export const DEFAULT_TIME_ZONE = "UTC";
export const DEFAULT_LOCALE = "en-GB";

/** True for an IANA time zone the runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false; // RangeError: not a time zone; the caller answers 422 with the reason
  }
}

/** The canonical form of a BCP 47 locale the runtime supports ("de-de" → "de-DE"), or undefined. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length ? canonical : undefined;
  } catch {
    return undefined; // RangeError: not a locale tag; the caller answers 422 with the reason
  }
}

/** Every time zone to offer in a picker, UTC first. */
export function timeZoneNames(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
}

export const preferencesSchema = z.object({
  time_zone: z.string().trim().max(64).refine(isTimeZone, { message: 'pick a time zone such as "Europe/Berlin" or "UTC"' }),
  locale: z
    .string()
    .trim()
    .max(35)
    .transform((tag, ctx) => {
      const locale = canonicalLocale(tag);
      if (!locale) ctx.addIssue({ code: "custom", message: 'write a locale such as "en-GB", "de-DE" or "pt-BR"' });
      return locale ?? tag;
    }),
  sign_in_availability: z.enum(["online", "away", "offline"], { message: "pick online, away or offline" }),
});

export type Preferences = z.output<typeof preferencesSchema>;

/** What times and dates are shown in for this agent. */
export interface TimeFormat {
  timeZone: string;
  locale: string;
}

/**
 * The time zone and locale to show an agent's times in (the defaults where they have not chosen).
 *
 * @example
 * const format = timeFormatOf(session.agent); // { timeZone: "Europe/Berlin", locale: "de-DE" }
 */
export function timeFormatOf(agent: Pick<Agent, "timeZone" | "locale">): TimeFormat {
  return { timeZone: agent.timeZone ?? DEFAULT_TIME_ZONE, locale: agent.locale ?? DEFAULT_LOCALE };
}

/**
 * Saves an agent's preferences.
 *
 * @example
 * await savePreferences(store, agent.id, { time_zone: "Europe/Berlin", locale: "de-DE", sign_in_availability: "online" });
 */
export async function savePreferences(store: Store, agentId: number, prefs: Preferences): Promise<void> {
  await store.write((tx) =>
    tx
      .update(agents)
      .set({ timeZone: prefs.time_zone, locale: prefs.locale, signInAvailability: prefs.sign_in_availability })
      .where(eq(agents.id, agentId)),
  );
}
