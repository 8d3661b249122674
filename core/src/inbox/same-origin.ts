/**
 * Refuses a state-changing request that a browser says came from another site: `Sec-Fetch-Site`
 * cross-site or same-site, or an `Origin` that is neither this request's nor the public URL's
 * (behind a proxy the two differ). A request with neither header is not a browser's (curl, a
 * script) and goes on to the token check, which every such route also makes. Hono's csrf()
 * refuses those outright and answers a bare "Forbidden", hence this guard.
 */
import type { Context, MiddlewareHandler } from "hono";

/** Why this request looks cross-site, or undefined when it does not. */
export function crossSiteReason(c: Context, publicUrl: string | undefined): string | undefined {
  const site = c.req.header("Sec-Fetch-Site");
  // "none" is the user's own act (a bookmark, the address bar): no page sent it.
  if (site !== undefined)
    return site === "same-origin" || site === "none" ? undefined : `the browser says it came from another site (Sec-Fetch-Site: ${site})`;
  const origin = c.req.header("Origin");
  if (origin === undefined) return undefined;
  const allowed = [new URL(c.req.url).origin, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
  if (allowed.includes(origin)) return undefined;
  return `it came from ${origin}, not from ${allowed.join(" or ")} (behind a proxy, set [server] public_url to the address agents open)`;
}

/**
 * Lets only same-origin (or non-browser) requests change anything; answers others 403 with the reason.
 *
 * @example
 * app.post("/logout", sameOriginOnly(config.server.public_url), logout);
 */
export function sameOriginOnly(publicUrl: string | undefined): MiddlewareHandler {
  return async function inboxSameOrigin(c, next) {
    if (["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return next();
    const reason = crossSiteReason(c, publicUrl);
    if (reason)
      return c.text(
        `Refused: this request was not sent from Switchboard's own pages: ${reason}. Open Switchboard and try again there.`,
        403,
      );
    await next();
  };
}
