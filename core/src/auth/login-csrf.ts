/**
 * The sign-in form's CSRF token (login CSRF: a cross-site form must not sign a browser in to the
 * attacker's account). Double submit: the sign-in page sets a random token in an HttpOnly,
 * SameSite=Strict cookie and writes the same token into the form; the POST must carry both, equal.
 * Another site can neither read the cookie nor set it: under https the cookie is `__Host-`
 * prefixed, so not even a sibling subdomain can plant one. There is no session yet to bind the token
 * to, so it is not signed: a signature would stop nobody who can already plant cookies.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { constantTimeEqual } from "../webhooks/signature.ts";
import { randomToken } from "./secrets.ts";

const COOKIE = "swb_login";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The cookie's attributes: `__Host-` prefixed (Secure, Path=/, no Domain) when served over https. */
function attributes(secure: boolean) {
  return { httpOnly: true, sameSite: "Strict", secure, path: "/", prefix: secure ? "host" : undefined } as const;
}

/**
 * The token for the sign-in form: the browser's own when it has one (so two open sign-in tabs both
 * work), else a new one, set as the sign-in cookie.
 *
 * @example
 * const token = loginFormToken(c, secure);
 * return renderPage(c, <LoginPage page={page} token={token} />);
 */
export function loginFormToken(c: Context, secure: boolean): string {
  const current = getCookie(c, COOKIE, attributes(secure).prefix);
  if (current && TOKEN.test(current)) return current;
  const token = randomToken();
  setCookie(c, COOKIE, token, attributes(secure));
  return token;
}

/**
 * Whether the posted form token equals the sign-in cookie.
 *
 * @example
 * if (!loginFormTokenValid(c, secure, String(body._csrf ?? ""))) return refuse();
 */
export function loginFormTokenValid(c: Context, secure: boolean, given: string): boolean {
  const expected = getCookie(c, COOKIE, attributes(secure).prefix);
  return !!expected && TOKEN.test(expected) && constantTimeEqual(given, expected);
}

/**
 * Drops the sign-in cookie once it has served (after a successful sign-in).
 *
 * @example
 * clearLoginFormToken(c, secure);
 */
export function clearLoginFormToken(c: Context, secure: boolean): void {
  deleteCookie(c, COOKIE, attributes(secure));
}
