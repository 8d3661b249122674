/**
 * Config schema of `[reports]`: the time zone weeks and days are counted in, the repeat-contact
 * window, the handle-time cap, the agents' hourly cost and the size of the weekly context-continuity
 * sample (docs/kpis.md defines what each changes).
 */
import { z } from "zod";
import { isTimeZone } from "../time-zone.ts";

export const reportsSchema = z
  .object({
    /** Weeks (Monday 00:00) and days are counted in this zone; default: the [business_hours] time zone. */
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone; use a name such as "Europe/Berlin" or "America/New_York"' })
      .optional(),
    /** First-contact resolution and repeat contacts look this many days around a case. */
    repeat_window_days: z.number().int().min(1).max(90).default(7),
    /** One agent action counts at most this much handle time. */
    handle_cap_minutes: z.number().int().min(1).max(240).default(10),
    /** What an agent hour costs (any currency); 0 hides cost per resolution. */
    agent_hourly_cost: z.number().min(0).max(100_000).default(0),
    /** Cross-channel cases queued each week for the context-continuity review. */
    review_sample: z.number().int().min(0).max(500).default(10),
  })
  .strict();

export type ReportsConfig = z.infer<typeof reportsSchema>;
