/**
 * The inbox's request guards: security headers on every answer; a signed-in session for every
 * page (else the sign-in page, or HX-Redirect for htmx); and the session's CSRF token on every
 * request that changes something (the X-CSRF-Token header htmx sends, or the _csrf form field).
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { viewerFor } from "../access/index.ts";
import { findSession, SESSION_COOKIE } from "../auth/sessions.ts";
import { ErrorCodes } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { constantTimeEqual } from "../webhooks/signature.ts";
import type { InboxEnv } from "./env.ts";
import { CSRF_FIELD } from "./views/csrf.tsx";

/** Strict CSP: only our own scripts and styles; images may be data: (inline attachments previews). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async function inboxSecurityHeaders(c, next) {
    await next();
    // A route that sets its own policy (a sandboxed message frame) keeps it.
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", CSP);
    if (!c.res.headers.has("X-Frame-Options")) c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
  };
}

/** Where a signed-out visitor goes: back here after signing in. */
function toLogin(c: Context): Response {
  const next = encodeURIComponent(c.req.path + (new URL(c.req.url).search || ""));
  if (c.req.header("HX-Request")) {
    return c.body(null, 401, { "HX-Redirect": `/login?next=${next}` });
  }
  return c.redirect(`/login?next=${next}`, 303);
}

export function requireSession(sb: Services): MiddlewareHandler<InboxEnv> {
  const ttlMs = sb.loaded.config.auth.session_ttl_hours * 3_600_000;
  return async function inboxSession(c, next) {
    const session = await findSession(sb.store, sb.clock, getCookie(c, SESSION_COOKIE), ttlMs);
    if (!session) return toLogin(c);
    c.set("session", session);
    c.set("viewer", await viewerFor(sb.store.db, session.agent, sb.inboxes.names()));
    await next();
  };
}

export function requireAdmin(): MiddlewareHandler<InboxEnv> {
  return async function inboxAdminOnly(c, next) {
    if (c.get("session").agent.role !== "admin") return c.text("Only admins can open this page.", 403);
    await next();
  };
}

export function verifyCsrf(): MiddlewareHandler<InboxEnv> {
  return async function inboxCsrf(c, next) {
    if (["GET", "HEAD", "OPTIONS"].includes(c.req.method)) return next();
    let given = c.req.header("X-CSRF-Token");
    if (!given && /form/.test(c.req.header("Content-Type") ?? "")) {
      const body = await c.req.parseBody();
      given = typeof body[CSRF_FIELD] === "string" ? body[CSRF_FIELD] : undefined;
    }
    if (!given || !constantTimeEqual(given, c.get("session").csrfToken)) {
      return c.json(
        { error: { code: ErrorCodes.FORBIDDEN, message: "This request has no valid CSRF token. Reload the page and try again." } },
        403,
      );
    }
    await next();
  };
}
