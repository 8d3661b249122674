// Signing in and out over HTTP, as an attacker would try it: a cross-site form must neither sign a
// browser in (login CSRF) nor out; a failed sign-in checks a password whether or not the email
// exists; throttling is per (email, IP) so nobody can lock an agent out from elsewhere, and the IP
// comes from the socket unless [server] trust_proxy says to read X-Forwarded-For.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { hashIsOutdated, passwordChecks } from "../auth/passwords.ts";
import { createLogger } from "../log/index.ts";
import { agents, sessions } from "../store/schema.ts";
import { cookieFrom, type Harness, openSignInForm, type RequestFn } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await server?.stop(true);
  server = undefined;
  await harness?.close();
});

/** Posts the sign-in form: with the page's cookie and token unless told otherwise. */
async function postLogin(
  fields: { email?: string; password?: string; token?: string },
  options: { cookie?: string; headers?: Record<string, string>; request?: RequestFn } = {},
) {
  const request = options.request ?? harness.request;
  const form = options.cookie === undefined || fields.token === undefined ? await openSignInForm(request) : undefined;
  const body = new URLSearchParams({
    email: fields.email ?? "ada@example.com",
    password: fields.password ?? PASSWORD,
    _csrf: fields.token ?? form!.token,
  });
  return request("/login", { method: "POST", body, headers: { Cookie: options.cookie ?? form!.cookie, ...options.headers } });
}

const sessionRows = async () => (await harness.switchboard.store.db.select().from(sessions)).length;

describe("login CSRF", () => {
  it("signs in a same-origin form that carries its token, and sets the sign-in cookie strictly", async () => {
    ({ harness } = await inboxHarness());
    const page = await harness.request("/login");
    const setCookie = page.headers.getSetCookie().find((line) => line.startsWith("swb_login="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const form = await openSignInForm(harness.request);
    const ok = await postLogin(
      { token: form.token },
      { cookie: form.cookie, headers: { Origin: "http://localhost", "Sec-Fetch-Site": "same-origin" } },
    );
    expect(ok.status).toBe(303);
    expect(cookieFrom(ok, "swb_session")).toBeTruthy();
    expect(await sessionRows()).toBe(1);
  });

  it("refuses a form without the token, or with another one, and writes no session", async () => {
    ({ harness } = await inboxHarness());
    const form = await openSignInForm(harness.request);
    const other = await openSignInForm(harness.request);
    const noToken = await harness.request("/login", {
      method: "POST",
      body: new URLSearchParams({ email: "ada@example.com", password: PASSWORD }),
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("sign-in form has expired or was not sent from this site");
    expect((await postLogin({ token: "" }, { cookie: form.cookie })).status).toBe(403);
    expect((await postLogin({ token: form.token }, { cookie: "" })).status).toBe(403);
    const swapped = await postLogin({ token: other.token }, { cookie: form.cookie });
    expect(swapped.status).toBe(403);
    expect(cookieFrom(swapped, "swb_session")).toBeUndefined();
    expect(await sessionRows()).toBe(0);
  });

  it("refuses a cross-site form with a reason, even with a valid token, and writes no session", async () => {
    ({ harness } = await inboxHarness());
    const form = await openSignInForm(harness.request);
    const evil = await postLogin({ token: form.token }, { cookie: form.cookie, headers: { Origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(await evil.text()).toContain("https://evil.example");
    const crossSite = await postLogin({ token: form.token }, { cookie: form.cookie, headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("another site");
    const opaque = await postLogin({ token: form.token }, { cookie: form.cookie, headers: { Origin: "null" } });
    expect(opaque.status).toBe(403);
    expect(await sessionRows()).toBe(0);
  });

  it("accepts the public URL's origin behind a proxy", async () => {
    ({ harness } = await inboxHarness({ config: { server: { public_url: "https://support.example.com" } } }));
    const form = await openSignInForm(harness.request);
    const ok = await postLogin({ token: form.token }, { cookie: form.cookie, headers: { Origin: "https://support.example.com" } });
    expect(ok.status).toBe(303);
  });
});

describe("log out", () => {
  it("is not done by a GET, a POST without the session's token, or a cross-site POST; the page's own button works", async () => {
    ({ harness } = await inboxHarness());
    const browser = await signIn(harness, "ada@example.com", PASSWORD);
    const stillIn = async () => (await browser.get("/inbox")).status === 200;
    expect((await browser.get("/logout")).status).toBeGreaterThanOrEqual(400);
    expect(await stillIn()).toBe(true);
    expect((await browser.post("/logout", {}, { csrf: false })).status).toBe(403);
    expect(await stillIn()).toBe(true);
    const crossSite = await harness.request("/logout", {
      method: "POST",
      body: new URLSearchParams({ _csrf: browser.csrf }),
      headers: { Cookie: browser.cookie, Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(await stillIn()).toBe(true);
    const page = await (await browser.get("/inbox")).text();
    const button = /<form method="post" action="\/logout"><input type="hidden" name="_csrf" value="([^"]+)"/.exec(page);
    expect(button?.[1]).toBe(browser.csrf);
    const out = await harness.request("/logout", {
      method: "POST",
      body: new URLSearchParams({ _csrf: button![1]! }),
      headers: { Cookie: browser.cookie, Origin: "http://localhost", "Sec-Fetch-Site": "same-origin" },
    });
    expect(out.status).toBe(303);
    expect(await stillIn()).toBe(false);
    expect(await sessionRows()).toBe(0);
  });
});

describe("a hash made with older parameters", () => {
  const storedHash = async () =>
    (await harness.switchboard.store.db.select().from(agents).where(eq(agents.email, "ada@example.com")))[0]!.passwordHash;

  it("is made again at the next right sign-in, and still opens the account; a wrong password changes nothing", async () => {
    ({ harness } = await inboxHarness());
    // What an older Switchboard stored: Bun's default argon2id, 64 MiB.
    const old = await Bun.password.hash(PASSWORD, { algorithm: "argon2id" });
    await harness.switchboard.store.write((tx) => tx.update(agents).set({ passwordHash: old }).where(eq(agents.email, "ada@example.com")));
    expect((await postLogin({ password: "guess-guess-guess" })).status).toBe(401);
    expect(await storedHash()).toBe(old);
    expect((await postLogin({})).status).toBe(303);
    const renewed = await storedHash();
    expect(renewed).not.toBe(old);
    expect(hashIsOutdated(renewed)).toBe(false);
    expect(await Bun.password.verify(PASSWORD, renewed)).toBe(true);
    expect((await postLogin({})).status).toBe(303);
    expect(await storedHash()).toBe(renewed); // once is enough
  });
});

describe("failed sign-in", () => {
  it("checks a password whether or not the email exists", async () => {
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 100 } } }));
    const before = passwordChecks();
    expect((await postLogin({ email: "nobody@example.com", password: "guess-guess-guess" })).status).toBe(401);
    expect(passwordChecks()).toBe(before + 1);
    expect((await postLogin({ email: "", password: "guess-guess-guess" })).status).toBe(401);
    expect(passwordChecks()).toBe(before + 2);
    expect((await postLogin({ email: "ada@example.com", password: "guess-guess-guess" })).status).toBe(401);
    expect(passwordChecks()).toBe(before + 3);
  });

  it("takes about as long for an unknown email as for a wrong password (median of 5, a generous bound)", async () => {
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 100 } } }));
    const form = await openSignInForm(harness.request);
    const time = async (email: string) => {
      const start = performance.now();
      expect((await postLogin({ email, password: "guess-guess-guess", token: form.token }, { cookie: form.cookie })).status).toBe(401);
      return performance.now() - start;
    };
    await time("nobody@example.com"); // the first one also makes the dummy hash
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time("ada@example.com"));
      unknown.push(await time(`nobody${i}@example.com`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[2]!;
    // Without the dummy check an unknown email answers in about 1 ms against tens for argon2id.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });
});

describe("throttling per (email, IP)", () => {
  const from = (ip: string) => ({ "X-Forwarded-For": `10.9.9.9, ${ip}` });

  it("refuses one address with 429, Retry-After and a reason, while the right password from another still works", async () => {
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 3 }, server: { trust_proxy: true } } }));
    for (let i = 0; i < 3; i++)
      expect((await postLogin({ password: "nope-nope-nope" }, { headers: from("203.0.113.7") })).status).toBe(401);
    const blocked = await postLogin({}, { headers: from("203.0.113.7") });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain("Too many failed sign-ins");
    expect((await postLogin({}, { headers: from("198.51.100.20") })).status).toBe(303);
    expect((await postLogin({ email: "bob@example.com" }, { headers: from("203.0.113.7") })).status).toBe(303);
    expect((await postLogin({}, { headers: from("203.0.113.7") })).status).toBe(429);
    harness.clock.advance(15 * 60_000 + 1);
    expect((await postLogin({}, { headers: from("203.0.113.7") })).status).toBe(303);
  });

  it("stops one address guessing across many emails, without touching other addresses", async () => {
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 1 }, server: { trust_proxy: true } } }));
    for (let i = 0; i < 10; i++)
      expect((await postLogin({ email: `guess${i}@example.com` }, { headers: from("203.0.113.7") })).status).toBe(401);
    const sprayed = await postLogin({}, { headers: from("203.0.113.7") });
    expect(sprayed.status).toBe(429);
    expect(await sprayed.text()).toContain("from your address");
    expect((await postLogin({}, { headers: from("198.51.100.20") })).status).toBe(303);
  });

  it("ignores X-Forwarded-For unless trust_proxy is set, and keys on the socket's address", async () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", destination: { write: (line: string) => void lines.push(line) } });
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 2 } }, log }));
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: harness.switchboard.app.fetch });
    const url = `http://127.0.0.1:${server.port}`;
    const request: RequestFn = (path, init) => fetch(url + path, { ...init, redirect: "manual" });
    for (const ip of ["203.0.113.1", "203.0.113.2"])
      expect((await postLogin({ password: "nope-nope-nope" }, { request, headers: { "X-Forwarded-For": ip } })).status).toBe(401);
    expect((await postLogin({}, { request, headers: { "X-Forwarded-For": "203.0.113.3" } })).status).toBe(429);
    const failed = lines.map((line) => JSON.parse(line) as { msg: string; ip?: string }).filter((entry) => entry.msg === "failed sign-in");
    expect(failed.map((entry) => entry.ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
  });
});
