/**
 * The reports settings of a running Switchboard, from its config: the time zone days and weeks are
 * counted in, and what measuring needs (each conversation's business calendar, by its team's, its
 * inbox's or the global hours; the repeat window; the handle-time cap).
 */
import { BusinessHoursResolver } from "../business-hours/index.ts";
import type { SwitchboardConfig } from "../config/schema.ts";
import type { Queryable } from "../store/index.ts";
import { teams } from "../store/schema.ts";
import { DAY } from "./periods.ts";
import type { RollupOptions } from "./rollups.ts";

type Config = Pick<SwitchboardConfig, "reports" | "business_hours" | "inboxes" | "team_hours">;

/**
 * The zone reports count days and weeks in: [reports] timezone, else the [business_hours] one.
 *
 * @example
 * reportsTimeZone(config); // "Europe/Berlin"
 */
export const reportsTimeZone = (config: Pick<Config, "reports" | "business_hours">): string =>
  config.reports.timezone ?? config.business_hours.timezone;

/**
 * The options measuring and rollups need (reads the team names once, for team hours).
 *
 * @example
 * await refreshContacts(store, await rollupOptions(store.db, config), [contactId]);
 */
export async function rollupOptions(db: Queryable, config: Config): Promise<RollupOptions> {
  const resolver = new BusinessHoursResolver(config);
  const names = new Map((await db.select({ id: teams.id, name: teams.name }).from(teams)).map((t) => [t.id, t.name]));
  return {
    timeZone: reportsTimeZone(config),
    measure: {
      calendarOf: (c) => resolver.forInbox(c.inbox, c.teamId === null ? null : names.get(c.teamId)),
      repeatWindowMs: config.reports.repeat_window_days * DAY,
      handleCapMs: config.reports.handle_cap_minutes * 60_000,
    },
  };
}
