/**
 * Signing an agent in to the inbox the way a browser does: open the sign-in page (which sets the
 * sign-in cookie and puts the same token in the form), post the form back with both, keep the
 * session cookie, and read the session's CSRF token from the inbox page. Works on `harness.request`
 * and on `fetch` against a real server alike.
 */

/** How to reach the app: `harness.request`, or `fetch` bound to a server (with `redirect: "manual"`). */
export type RequestFn = (path: string, init?: RequestInit) => Promise<Response>;

/** What the sign-in form must send back: its cookie (`name=value`) and the token of its hidden field. */
export interface SignInForm {
  cookie: string;
  token: string;
}

/** A signed-in agent: the session cookie (`name=value`) and the session's CSRF token. */
export interface SignedIn {
  cookie: string;
  csrf: string;
}

/** The `name=value` of the Set-Cookie whose name is `name`, if the response sets it. */
export function cookieFrom(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1);
}

/**
 * Opens the sign-in page and returns what its form carries.
 *
 * @example
 * const form = await openSignInForm(harness.request);
 * await harness.request("/login", { method: "POST", headers: { Cookie: form.cookie }, body: new URLSearchParams({ email, password, _csrf: form.token }) });
 */
export async function openSignInForm(request: RequestFn): Promise<SignInForm> {
  const page = await request("/login");
  const cookie = cookieFrom(page, "swb_login") ?? cookieFrom(page, "__Host-swb_login");
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!cookie || !token) throw new Error(`the sign-in page (HTTP ${page.status}) set no sign-in cookie or form token`);
  return { cookie, token };
}

/**
 * Signs in through the real sign-in form and reads the CSRF token of the inbox page.
 *
 * @example
 * const url = `http://127.0.0.1:${server.port}`;
 * const { cookie, csrf } = await signInAgent((path, init) => fetch(url + path, { ...init, redirect: "manual" }), "ada@example.com", password);
 */
export async function signInAgent(request: RequestFn, email: string, password: string): Promise<SignedIn> {
  const form = await openSignInForm(request);
  const login = await request("/login", {
    method: "POST",
    headers: { Cookie: form.cookie },
    body: new URLSearchParams({ email, password, _csrf: form.token }),
  });
  const cookie = cookieFrom(login, "swb_session");
  if (login.status !== 303 || !cookie) throw new Error(`sign-in failed with HTTP ${login.status}: ${await login.text()}`);
  const page = await (await request("/inbox", { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("no CSRF token on the inbox page");
  return { cookie, csrf };
}
