/** @jsxImportSource hono/jsx */
/**
 * Signing in and out. Both refuse what a browser says came from another site, and need a token:
 * the sign-in form's own (login CSRF), the session's for logging out. A sign-in for an unknown
 * email checks a dummy hash, so it takes as long as a wrong password. Failed attempts are throttled
 * per (email, IP), counted across every process (login-throttle.ts), answered 429 with Retry-After.
 * A good password opens a session (HttpOnly, SameSite=Lax cookie, Secure behind https) and sets the agent's availability after sign-in; a
 * deactivated agent is refused (403) after the password check. The `next` target must be a path of this site, so the
 * sign-in page cannot be used to redirect elsewhere.
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { findAgentByEmail, rehashOutdatedPassword } from "../../auth/agents.ts";
import { setAvailability } from "../../auth/availability.ts";
import { clearLoginFormToken, loginFormToken, loginFormTokenValid } from "../../auth/login-csrf.ts";
import { LoginThrottle, type LoginWait } from "../../auth/login-throttle.ts";
import { verifySignIn } from "../../auth/passwords.ts";
import { createSession, destroySession, findSession, SESSION_COOKIE } from "../../auth/sessions.ts";
import { clientIp } from "../../http/client-ip.ts";
import type { Services } from "../../services.ts";
import { constantTimeEqual } from "../../webhooks/signature.ts";
import type { PageContext } from "../env.ts";
import { renderPage } from "../render.ts";
import { sameOriginOnly } from "../same-origin.ts";
import { CSRF_FIELD } from "../views/csrf.tsx";
import { LoginPage } from "../views/login.tsx";

/** Only same-site paths ("/inbox/..."), never "//evil.example" or a full URL. */
function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/inbox";
}

function throttledMessage(wait: LoginWait): string {
  const minutes = Math.ceil(wait.ms / 60_000);
  const who = wait.scope === "address" ? "from your address" : "for this email from your address";
  return `Too many failed sign-ins ${who}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

export function authRoutes(sb: Services, page: Pick<PageContext, "assets" | "theme">): Hono {
  const app = new Hono();
  const { auth, server } = sb.loaded.config;
  const ttlHours = auth.session_ttl_hours;
  const throttle = new LoginThrottle(auth.login_attempts, sb.clock, sb.cluster);
  const secure = (server.public_url ?? "").startsWith("https:");
  const sameOrigin = sameOriginOnly(server.public_url);
  const loginPage = (c: Context, props: { next: string; email?: string; error?: string }, status?: 401 | 403 | 429) =>
    renderPage(c, <LoginPage page={page} token={loginFormToken(c, secure)} {...props} />, status);

  app.get("/login", (c) => loginPage(c, { next: safeNext(c.req.query("next")) }));

  app.post("/login", sameOrigin, async (c) => {
    const body = await c.req.parseBody();
    const email = String(body.email ?? "")
      .trim()
      .toLowerCase();
    const password = String(body.password ?? "");
    const next = safeNext(body.next);
    if (!loginFormTokenValid(c, secure, String(body[CSRF_FIELD] ?? ""))) {
      return loginPage(c, { email, next, error: "This sign-in form has expired or was not sent from this site. Sign in again here." }, 403);
    }
    const ip = clientIp(c, server.trust_proxy);
    const wait = await throttle.wait(email, ip);
    if (wait) {
      c.header("Retry-After", String(Math.ceil(wait.ms / 1000)));
      return loginPage(c, { email, next, error: throttledMessage(wait) }, 429);
    }
    const agent = email ? await findAgentByEmail(sb.store.db, email) : undefined;
    const passwordOk = await verifySignIn(password, agent?.passwordHash); // also without an agent: same time
    if (!agent || !passwordOk) {
      await throttle.fail(email, ip);
      sb.log.warn({ email, ip }, "failed sign-in");
      return loginPage(c, { email, next, error: "Wrong email or password." }, 401);
    }
    await throttle.succeed(email, ip);
    if (agent.deactivatedAt !== null) {
      sb.log.warn({ agent: agent.id }, "sign-in of a deactivated agent refused");
      return loginPage(c, { email, next, error: "This account has been deactivated. Ask an admin to reactivate it." }, 403);
    }
    if (await rehashOutdatedPassword(sb.store, agent, password))
      sb.log.info({ agent: agent.id }, "password hash made again with today's parameters");
    const { token } = await createSession(sb.store, sb.clock, agent.id, ttlHours * 3_600_000);
    clearLoginFormToken(c, secure);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: ttlHours * 3600 });
    await setAvailability(sb, agent, agent.signInAvailability);
    sb.log.info({ agent: agent.id }, "agent signed in");
    return c.redirect(next, 303);
  });

  app.post("/logout", sameOrigin, async (c) => {
    const session = await findSession(sb.store, sb.clock, getCookie(c, SESSION_COOKIE), ttlHours * 3_600_000);
    if (session) {
      const body = await c.req.parseBody();
      const given = c.req.header("X-CSRF-Token") ?? (typeof body[CSRF_FIELD] === "string" ? body[CSRF_FIELD] : "");
      if (!constantTimeEqual(given, session.csrfToken))
        return c.text("This request has no valid CSRF token. Reload the page and try again.", 403);
      await destroySession(sb.store, session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/login", 303);
  });

  return app;
}
