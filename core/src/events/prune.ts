/**
 * Pruning the durable event log on a schedule: an hourly job deletes events older than
 * `[events] retain_hours` that every durable subscriber has handled, then schedules itself again.
 */
import type { Services } from "../services.ts";

export const PRUNE_JOB = "core:events.prune";
const PRUNE_KEY = "core:events.prune";
const HOUR_MS = 3_600_000;

/**
 * Defines the prune job and schedules its first run (an hour from now) unless one is pending.
 *
 * @example
 * await scheduleEventPruning(switchboard);
 */
export async function scheduleEventPruning(sb: Pick<Services, "bus" | "jobs" | "clock" | "log" | "loaded">): Promise<void> {
  const retainMs = sb.loaded.config.events.retain_hours * HOUR_MS;
  const next = () => sb.jobs.schedule(PRUNE_JOB, {}, { at: sb.clock.now() + HOUR_MS, key: PRUNE_KEY });
  sb.jobs.define(PRUNE_JOB, async () => {
    const pruned = await sb.bus.prune(retainMs);
    if (pruned > 0) sb.log.info({ pruned, retainHours: sb.loaded.config.events.retain_hours }, "pruned the event log");
    await next();
  });
  if (!(await sb.jobs.isPending(PRUNE_KEY))) await next();
}
