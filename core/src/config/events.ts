/**
 * Config schema of `[events]`: how long the durable event log keeps events every subscriber has
 * handled (SSE clients catch up from it after a reconnect; webhooks and reports read it).
 */
import { z } from "zod";

export const eventsSchema = z
  .object({
    /** Handled events older than this are pruned (hourly). Unhandled ones are always kept. */
    retain_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(168),
  })
  .strict();

export type EventsConfig = z.infer<typeof eventsSchema>;
