/**
 * Lease heartbeats: while a claimed piece of work runs (a job, an outbox send), its lease is renewed
 * every third of the lease, so the lease can stay short. A process that dies stops renewing, and
 * another worker takes the work over once the lease lapses: within seconds rather than minutes.
 */
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";

/**
 * Runs `work` while calling `renew` every `leaseMs / 3` milliseconds (real time), and stops renewing
 * when the work settles. `renew` resolves false when the claim was lost (another worker took the
 * work over); that is logged, as is a renewal that fails (the next beat tries again).
 *
 * @example
 * await withHeartbeat(() => handler(payload), () => renewClaim(job), { leaseMs: 15_000, log, what: { job: job.id } });
 */
export async function withHeartbeat<T>(
  work: () => Promise<T>,
  renew: () => Promise<boolean>,
  options: { leaseMs: number; log: Logger; what: Record<string, unknown> },
): Promise<T> {
  let beating = false;
  const timer = setInterval(
    () => {
      if (beating) return;
      beating = true;
      renew()
        .then((held) => {
          if (!held) options.log.warn(options.what, "lost the lease of running work: another worker has taken it over");
        })
        .catch((error) =>
          options.log.warn({ ...options.what, error: describeError(error) }, "could not renew a lease; retrying on the next beat"),
        )
        .finally(() => {
          beating = false;
        });
    },
    Math.max(1, Math.floor(options.leaseMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
