/**
 * Event-loop delay, sampled by timer drift: a timer asks to run every `intervalMs`, and how late it
 * runs is how long the one JavaScript thread was busy with something else. Each lateness goes to
 * `observe` (the /metrics histogram); a lateness of `stallMs` or more is a stall, reported with the
 * work that ran since the previous sample (work.ts). Bun 1.4.4 has perf_hooks.monitorEventLoopDelay,
 * but it only gives percentiles over its whole life, not each stall as it ends.
 */
import { takeWork } from "./work.ts";

export interface Stall {
  /** How late the sampler's timer ran, in milliseconds. */
  delayMs: number;
  /** What ran since the previous sample, by label (work.ts). */
  work: Record<string, number>;
}

export interface LoopDelayOptions {
  /** Called with every sample's delay, in seconds. */
  observe(seconds: number): void;
  /** Called for every delay of `stallMs` or more. */
  onStall?(stall: Stall): void;
  /** Milliseconds between samples (default 10). */
  intervalMs?: number;
  /** The delay that counts as a stall, in milliseconds (default 20). */
  stallMs?: number;
}

/**
 * Starts sampling; returns a function that stops it. The timer does not keep the process alive.
 *
 * @example
 * const stop = sampleLoopDelay({ observe: (s) => histogram.observe(s), onStall: (s) => log.debug(s, "stall") });
 */
export function sampleLoopDelay(options: LoopDelayOptions): () => void {
  const intervalMs = options.intervalMs ?? 10;
  const stallMs = options.stallMs ?? 20;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = 0;
  const schedule = () => {
    due = performance.now() + intervalMs;
    timer = setTimeout(tick, intervalMs);
    timer.unref?.();
  };
  const tick = () => {
    const delayMs = Math.max(0, performance.now() - due);
    const work = takeWork();
    options.observe(delayMs / 1000);
    if (delayMs >= stallMs) options.onStall?.({ delayMs, work });
    schedule();
  };
  schedule();
  return () => clearTimeout(timer);
}
