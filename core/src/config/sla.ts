/**
 * Config schema of `[sla]`: targets per channel kind (first response, next response, resolution,
 * in business minutes) over built-in defaults, and when the warning fires. An inbox may override
 * targets under `[inboxes.<name>.sla]`.
 */
import { z } from "zod";

const minutes = z.number().min(0, { message: "use minutes, 0 for no target" });

/** Targets in business minutes; 0 switches a target off; a left-out target keeps the default. */
export const slaTargetsSchema = z
  .object({
    first_response_minutes: minutes.optional(),
    next_response_minutes: minutes.optional(),
    resolution_minutes: minutes.optional(),
  })
  .strict();

export const slaSchema = z
  .object({
    /** false: no SLA clocks at all. */
    enabled: z.boolean().default(true),
    /** `sla.warning` fires when this fraction of a target is used (0-1, exclusive). */
    warning_fraction: z.number().gt(0).lt(1).default(0.8),
    /** Targets per channel kind ("email", "webchat", "telegram", ...), over the built-in defaults. */
    channels: z.record(z.string(), slaTargetsSchema).default({}),
  })
  .strict();

export type SlaConfig = z.infer<typeof slaSchema>;
export type SlaTargetsConfig = z.infer<typeof slaTargetsSchema>;
