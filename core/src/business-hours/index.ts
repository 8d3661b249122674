/**
 * Which business hours apply to a conversation: its team's ([team_hours.<team name>]), else its
 * inbox's ([inboxes.<name>.business_hours]), else the global [business_hours]. Calendars are built
 * once per config table and reused.
 */
import { eq } from "drizzle-orm";
import type { BusinessHours, SwitchboardConfig } from "../config/schema.ts";
import type { Queryable } from "../store/index.ts";
import { teams } from "../store/schema.ts";
import { BusinessCalendar } from "./calendar.ts";
import { localDateTime } from "./zone.ts";

export { BusinessCalendar } from "./calendar.ts";

/**
 * Resolves the business calendar of an inbox, a team or a conversation.
 *
 * @example
 * const hours = new BusinessHoursResolver(config);
 * hours.forInbox("support", "Night shift").isOpen(Date.now());
 */
export class BusinessHoursResolver {
  readonly #config: Pick<SwitchboardConfig, "business_hours" | "inboxes" | "team_hours">;
  readonly #calendars = new Map<BusinessHours, BusinessCalendar>();

  constructor(config: Pick<SwitchboardConfig, "business_hours" | "inboxes" | "team_hours">) {
    this.#config = config;
  }

  #calendar(hours: BusinessHours): BusinessCalendar {
    let calendar = this.#calendars.get(hours);
    if (!calendar) {
      calendar = new BusinessCalendar(hours);
      this.#calendars.set(hours, calendar);
    }
    return calendar;
  }

  /**
   * The calendar of an inbox, or of a team (by name) when that team has its own hours.
   *
   * @example
   * resolver.forInbox("support").isOpen(Date.now());
   */
  forInbox(inbox: string, teamName?: string | null): BusinessCalendar {
    const teamHours = teamName ? this.#config.team_hours[teamName] : undefined;
    return this.#calendar(teamHours ?? this.#config.inboxes[inbox]?.business_hours ?? this.#config.business_hours);
  }

  /**
   * The calendar of a conversation (its team's hours win over its inbox's).
   *
   * @example
   * const calendar = await resolver.forConversation(db, conversation);
   */
  async forConversation(db: Queryable, conversation: { inbox: string; teamId: number | null }): Promise<BusinessCalendar> {
    if (conversation.teamId === null || Object.keys(this.#config.team_hours).length === 0) return this.forInbox(conversation.inbox);
    const [team] = await db.select({ name: teams.name }).from(teams).where(eq(teams.id, conversation.teamId));
    return this.forInbox(conversation.inbox, team?.name);
  }
}

/**
 * An instant in words, in the calendar's zone, for customers: "Monday 6 January, 09:00 (Europe/Berlin)".
 *
 * @example
 * describeOpening(calendar, calendar.nextOpen(Date.now()));
 */
export function describeOpening(calendar: BusinessCalendar, instant: number): string {
  const local = localDateTime(instant, calendar.timezone);
  const day = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][local.weekday];
  const month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][
    local.month - 1
  ];
  const time = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
  return `${day} ${local.day} ${month}, ${time} (${calendar.timezone})`;
}
