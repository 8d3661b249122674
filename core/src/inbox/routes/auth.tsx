/** @jsxImportSource hono/jsx */
/**
 * Signing in and out. Failed attempts are throttled per email and per IP; a good password opens a
 * session (HttpOnly, SameSite=Lax cookie, Secure behind https). The `next` target must be a path of
 * this site, so the sign-in page cannot be used to redirect elsewhere.
 */
import { Hono } from "hono";
import { getConnInfo } from "hono/bun";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { findAgentByEmail } from "../../auth/agents.ts";
import { LoginThrottle } from "../../auth/login-throttle.ts";
import { verifyPassword } from "../../auth/passwords.ts";
import { createSession, destroySession, findSession, SESSION_COOKIE } from "../../auth/sessions.ts";
import type { Switchboard } from "../../switchboard.ts";
import { constantTimeEqual } from "../../webhooks/signature.ts";
import type { PageContext } from "../env.ts";
import { renderPage } from "../render.ts";
import { CSRF_FIELD } from "../views/csrf.tsx";
import { LoginPage } from "../views/login.tsx";

/** Only same-site paths ("/inbox/..."), never "//evil.example" or a full URL. */
function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/inbox";
}

/** The client's address when served by Bun.serve (app.request in tests has no server: "unknown"). */
function clientIp(c: Parameters<typeof getConnInfo>[0]): string {
  const server = c.env as { requestIP?: unknown } | undefined;
  return typeof server?.requestIP === "function" ? (getConnInfo(c).remote.address ?? "unknown") : "unknown";
}

export function authRoutes(sb: Switchboard, page: Pick<PageContext, "assets" | "theme">): Hono {
  const app = new Hono();
  const ttlHours = sb.loaded.config.auth.session_ttl_hours;
  const throttle = new LoginThrottle(sb.loaded.config.auth.login_attempts, sb.clock);
  const secure = (sb.loaded.config.server.public_url ?? "").startsWith("https:");

  app.get("/login", (c) => renderPage(c, <LoginPage page={page} next={safeNext(c.req.query("next"))} />));

  app.post("/login", async (c) => {
    const body = await c.req.parseBody();
    const email = String(body.email ?? "").trim().toLowerCase();
    const password = String(body.password ?? "");
    const next = safeNext(body.next);
    const ip = clientIp(c);
    const wait = throttle.retryAfterMs(email, ip);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return renderPage(c, <LoginPage page={page} email={email} next={next} error={`Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minutes.`} />, 429);
    }
    const agent = email ? await findAgentByEmail(sb.store.db, email) : undefined;
    if (!agent || !(await verifyPassword(password, agent.passwordHash))) {
      throttle.fail(email, ip);
      sb.log.warn({ email, ip }, "failed sign-in");
      return renderPage(c, <LoginPage page={page} email={email} next={next} error="Wrong email or password." />, 401);
    }
    throttle.succeed(email);
    const { token } = await createSession(sb.store, sb.clock, agent.id, ttlHours * 3_600_000);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: ttlHours * 3600 });
    sb.log.info({ agent: agent.id }, "agent signed in");
    return c.redirect(next, 303);
  });

  app.post("/logout", async (c) => {
    const session = await findSession(sb.store, sb.clock, getCookie(c, SESSION_COOKIE), ttlHours * 3_600_000);
    if (session) {
      const body = await c.req.parseBody();
      const given = c.req.header("X-CSRF-Token") ?? (typeof body[CSRF_FIELD] === "string" ? body[CSRF_FIELD] : "");
      if (!constantTimeEqual(given, session.csrfToken)) return c.text("This request has no valid CSRF token. Reload the page and try again.", 403);
      await destroySession(sb.store, session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/login", 303);
  });

  return app;
}
