/** @jsxImportSource hono/jsx */
/**
 * The SLA countdown on a conversation: time left until its earliest running SLA clock is due, or
 * how long it is overdue (a breach stands out in red). inbox.js keeps the text ticking.
 */

/**
 * A due time in words, from `now`: "4m left", "1h 5m left", "overdue 3m".
 *
 * @example
 * countdownText(now + 90_000, now); // "1m 30s left"
 */
export function countdownText(dueAt: number, now: number): string {
  const ms = Math.abs(dueAt - now);
  const s = Math.floor(ms / 1000);
  const parts =
    s >= 86_400
      ? [`${Math.floor(s / 86_400)}d`, `${Math.floor((s % 86_400) / 3600)}h`]
      : s >= 3600
        ? [`${Math.floor(s / 3600)}h`, `${Math.floor((s % 3600) / 60)}m`]
        : s >= 60
          ? [`${Math.floor(s / 60)}m`, `${s % 60}s`]
          : [`${s}s`];
  const text = parts.filter((p) => !/^0[a-z]$/.test(p)).join(" ") || "0s";
  return dueAt <= now ? `overdue ${text}` : `${text} left`;
}

/** Whether a due time has passed (the conversation breached its SLA). */
export const isBreached = (dueAt: number | null, now: number) => dueAt !== null && dueAt <= now;

/**
 * The countdown badge of a conversation (nothing when no SLA clock runs).
 *
 * @example
 * <SlaCountdown dueAt={conversation.slaDueAt} now={clock.now()} />
 */
export function SlaCountdown(props: { dueAt: number | null; now: number }) {
  if (props.dueAt === null) return null;
  const breached = isBreached(props.dueAt, props.now);
  const soon = !breached && props.dueAt - props.now < 5 * 60_000;
  return (
    <span
      class={`badge sla${breached ? " breached" : soon ? " soon" : ""}`}
      data-sla-due={String(props.dueAt)}
      title={`SLA due ${new Date(props.dueAt).toISOString().replace("T", " ").slice(0, 16)} UTC`}
    >
      {countdownText(props.dueAt, props.now)}
    </span>
  );
}
