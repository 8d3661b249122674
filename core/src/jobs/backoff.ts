/**
 * Exponential backoff with jitter, shared by the job queue, the outbox and webhook deliveries.
 */

/**
 * The delay before attempt `attempt + 1`, after `attempt` failures (1-based): base·2^(attempt-1),
 * capped, with ±20% jitter so retries from many rows do not land together.
 *
 * @example
 * backoffMs(1) // ≈ 1000
 * backoffMs(4) // ≈ 8000
 */
export function backoffMs(attempt: number, options: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = options.baseMs ?? 1000;
  const cap = options.capMs ?? 3_600_000;
  const random = options.random ?? Math.random;
  const raw = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}
