/**
 * Config schemas for routing and business hours per team: `[routing]` (capacity, escalation of
 * conversations stuck unassigned) and `[team_hours.<team name>]`. Which routing plugins an inbox
 * uses, and in what order, is `routing = [...]` under `[inboxes.<name>]` (see schema.ts).
 */
import { z } from "zod";

export const priorityEnum = z.enum(["none", "low", "medium", "high", "urgent"]);

export const routingSchema = z
  .object({
    /** The most open conversations routing gives one agent, unless the agent has their own capacity; 0 = no limit. */
    default_capacity: z.number().int().min(0).default(10),
    /** Minutes a conversation may wait unassigned (in an inbox with routing) before it escalates; 0 = never. */
    escalate_after_minutes: z.number().min(0).default(30),
    /** The priority an escalated conversation gets. */
    escalate_priority: priorityEnum.default("urgent"),
    /** A team (by name) escalated conversations move to. */
    escalate_to_team: z.string().min(1).optional(),
  })
  .strict();

export type RoutingConfig = z.infer<typeof routingSchema>;
