/**
 * Test helpers for the inbox: a harness with agents, and a signed-in "browser" that keeps the
 * session cookie and the page's CSRF token, through the real sign-in form.
 */
import { createAgent } from "../auth/agents.ts";
import { createTestHarness, type Harness, type HarnessOptions, signInAgent } from "../testing/index.ts";

export interface Browser {
  cookie: string;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** POSTs a form (with the CSRF field unless `csrf: false`). */
  post(path: string, form: Record<string, string | string[]>, options?: { csrf?: boolean; htmx?: boolean }): Promise<Response>;
}

export async function signIn(harness: Harness, email: string, password: string): Promise<Browser> {
  const { cookie, csrf } = await signInAgent(harness.request, email, password);
  return {
    cookie,
    csrf,
    get: (path, headers = {}) => harness.request(path, { headers: { Cookie: cookie, ...headers } }),
    post(path, form, options = {}) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
      if (options.csrf !== false) body.set("_csrf", csrf);
      return harness.request(path, {
        method: "POST",
        body,
        headers: { Cookie: cookie, ...(options.htmx ? { "HX-Request": "true" } : {}) },
      });
    },
  };
}

/** A harness with an admin (Ada) and an agent (Bob), both with known passwords. */
export async function inboxHarness(options: HarnessOptions = {}) {
  const harness = await createTestHarness(options);
  const password = "correct-horse-battery";
  const { agent: admin } = await createAgent(harness.switchboard.store, {
    email: "ada@example.com",
    name: "Ada Admin",
    role: "admin",
    password,
  });
  const { agent } = await createAgent(harness.switchboard.store, { email: "bob@example.com", name: "Bob Agent", password });
  return { harness, admin, agent, password };
}
