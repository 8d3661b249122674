/**
 * A point in time as the REST API accepts it: milliseconds since the epoch (1767600000000) or an
 * ISO 8601 date-time with its offset ("2026-01-05T09:00:00+01:00", "2026-01-05T08:00:00Z"). A
 * time without an offset is refused, since it would mean a different instant on every server.
 */
import { z } from "@hono/zod-openapi";

const FORMAT = 'give milliseconds since the epoch or an ISO 8601 time with its offset, such as "2026-01-05T09:00:00+01:00"';
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A positive instant, as epoch milliseconds or ISO 8601 with an offset; parses to epoch milliseconds.
 *
 * @example
 * z.object({ send_at: instant("When to send it") }).parse({ send_at: "2026-01-05T09:00:00+01:00" }); // { send_at: 1767600000000 }
 */
export function instant(description: string) {
  return z
    .union([z.number().int().positive(), z.string().trim()], { error: FORMAT })
    .transform((value, ctx) => {
      if (typeof value === "number") return value;
      const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
      if (!ISO_8601.test(value)) ctx.addIssue({ code: "custom", message: FORMAT });
      else if (Number.isNaN(ms) || ms <= 0 || !sameDay(value, ms))
        ctx.addIssue({ code: "custom", message: `${value} is not a real date and time` });
      else return ms;
      return z.NEVER;
    })
    .openapi({ description: `${description}: milliseconds since the epoch, or an ISO 8601 date-time with its offset` });
}

/** Date.parse rolls 2026-02-30 over to March: the written day must survive the round trip. */
function sameDay(text: string, ms: number): boolean {
  const offset = /(Z|[+-]\d{2}:?\d{2})$/i.exec(text)?.[1] ?? "Z";
  const minutes =
    offset.toUpperCase() === "Z" ? 0 : (offset[0] === "-" ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2)));
  return new Date(ms + minutes * 60_000).toISOString().slice(0, 10) === text.slice(0, 10);
}
