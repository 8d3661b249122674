/**
 * The address a request came from: the socket's, as Bun.serve reports it (Bun passes its server to
 * the app as `c.env`), or, only when the config trusts a reverse proxy, the last X-Forwarded-For
 * hop (the one that proxy wrote; earlier hops are the client's to invent).
 */
import type { Context } from "hono";
import { getConnInfo } from "hono/bun";

/**
 * The client's IP address, or "unknown" without a socket (`app.request` in tests).
 *
 * @example
 * const ip = clientIp(c, config.server.trust_proxy);
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  const forwarded = trustProxy ? c.req.header("X-Forwarded-For")?.split(",").at(-1)?.trim() : undefined;
  if (forwarded) return forwarded;
  const server = c.env as { requestIP?: unknown } | undefined;
  return typeof server?.requestIP === "function" ? (getConnInfo(c).remote.address ?? "unknown") : "unknown";
}
