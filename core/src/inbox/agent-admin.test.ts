// Issue 21.13 through the inbox's routes: an admin deactivates and reactivates an agent (history
// kept, sign-in and API tokens refused meanwhile, unresolved conversations unassigned), sets the
// availability an agent has after signing in, and an agent changes their own password and
// preferences.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/tokens.ts";
import { agents, auditLog, conversations, messages, sessions } from "../store/schema.ts";
import { type Harness, openSignInForm } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

const db = () => harness.switchboard.store.db;
const agentRow = async (email: string) => (await db().select().from(agents).where(eq(agents.email, email)))[0]!;

/** A sign-in attempt through the real form: its status and the page's text. */
async function trySignIn(email: string, password: string) {
  const form = await openSignInForm(harness.request);
  const res = await harness.request("/login", {
    method: "POST",
    headers: { Cookie: form.cookie },
    body: new URLSearchParams({ email, password, _csrf: form.token }),
  });
  return { status: res.status, text: await res.text() };
}

async function setUp(): Promise<{ ada: Browser; bob: Browser; bobId: number }> {
  let bobId: number;
  ({
    harness,
    agent: { id: bobId },
  } = await inboxHarness());
  return { ada: await signIn(harness, "ada@example.com", PASSWORD), bob: await signIn(harness, "bob@example.com", PASSWORD), bobId };
}

describe("admin: deactivating and reactivating an agent", () => {
  it("ends their sessions and tokens, unassigns their open work, keeps their history, and lets them back in", async () => {
    const { ada, bob, bobId } = await setUp();
    const { token } = await createApiToken(harness.switchboard.store, bobId, "zapier");
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "Hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    const id = stored.conversationId;
    expect((await bob.post(`/inbox/conversations/${id}/messages`, { text: "Hi Grace, Bob here" })).status).toBe(303);
    expect((await ada.post(`/inbox/conversations/${id}/actions/assign`, { assignee: String(bobId), team: "" })).status).toBe(303);
    const resolvedStored = await harness.inject({ externalId: "m2", contact: { externalId: "u2", name: "Hal" }, text: "Thanks" });
    if (resolvedStored.status !== "stored") throw new Error("not stored");
    await ada.post(`/inbox/conversations/${resolvedStored.conversationId}/actions/assign`, { assignee: String(bobId), team: "" });
    await ada.post(`/inbox/conversations/${resolvedStored.conversationId}/actions/status`, { status: "resolved" });

    const off = await ada.post(`/admin/agents/${bobId}/deactivate`, {});
    expect(off.status).toBe(303);
    expect(off.headers.get("Location")).toBe("/admin/agents?done=agent-deactivated");
    await harness.drain();

    expect((await bob.get("/inbox")).status).toBe(303); // the session is gone
    expect(await db().select().from(sessions).where(eq(sessions.agentId, bobId))).toEqual([]);
    const refused = await trySignIn("bob@example.com", PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This account has been deactivated. Ask an admin to reactivate it.");
    const api = await harness.request("/api/v1/agents/me", { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);

    const row = await agentRow("bob@example.com");
    expect(row.deactivatedAt).not.toBeNull();
    expect(row.availability).toBe("offline");
    const [open] = await db().select().from(conversations).where(eq(conversations.id, id));
    expect(open!.assigneeId).toBeNull(); // back to Unassigned
    const [resolved] = await db().select().from(conversations).where(eq(conversations.id, resolvedStored.conversationId));
    expect(resolved!.assigneeId).toBe(bobId); // history stays
    const texts = (await db().select().from(messages).where(eq(messages.conversationId, id))).map((m) => m.text);
    expect(texts).toContain("Hi Grace, Bob here");
    expect(texts).toContain("Unassigned by Ada Admin");

    const page = await (await ada.get("/admin/agents?done=agent-deactivated")).text();
    expect(page).toContain("Agent deactivated");
    expect(page).toContain('aria-label="Reactivate Bob Agent"');
    const conversationPage = await (await ada.get(`/inbox/conversations/${id}`)).text();
    expect(conversationPage).toContain("Hi Grace, Bob here");
    expect(conversationPage).not.toMatch(/<option value="\d+"[^>]*>Bob Agent/); // not offered as an assignee
    const assign = await ada.post(`/inbox/conversations/${id}/actions/assign`, { assignee: String(bobId), team: "" }, { htmx: true });
    expect(assign.status).toBe(422);
    expect(await assign.text()).toContain("Bob Agent has been deactivated");

    const actions = (await db().select().from(auditLog)).map((a) => a.action);
    expect(actions).toContain("agent.deactivated");

    expect((await ada.post(`/admin/agents/${bobId}/reactivate`, {})).headers.get("Location")).toBe("/admin/agents?done=agent-reactivated");
    expect((await agentRow("bob@example.com")).deactivatedAt).toBeNull();
    const back = await signIn(harness, "bob@example.com", PASSWORD);
    expect((await back.get("/inbox")).status).toBe(200);
    expect((await harness.request("/api/v1/agents/me", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("refuses deactivating yourself, the last active admin, or an agent that does not exist", async () => {
    const { ada, bob, bobId } = await setUp();
    const ownId = (await agentRow("ada@example.com")).id;
    const self = await ada.post(`/admin/agents/${ownId}/deactivate`, {});
    expect(self.status).toBe(403);
    expect(await self.text()).toContain("You cannot deactivate yourself");
    expect((await ada.post("/admin/agents/9999/deactivate", {})).status).toBe(404);
    expect((await ada.post("/admin/agents/abc/deactivate", {})).status).toBe(404);
    expect((await bob.post(`/admin/agents/${ownId}/deactivate`, {})).status).toBe(403);
    // Bob becomes an admin, Ada is deactivated by him: then Ada's role cannot leave Bob the last admin's job.
    await ada.post(`/admin/agents/${bobId}/role`, { role: "admin" });
    const bobAdmin = await signIn(harness, "bob@example.com", PASSWORD);
    expect((await bobAdmin.post(`/admin/agents/${ownId}/deactivate`, {})).status).toBe(303);
    const demote = await bobAdmin.post(`/admin/agents/${bobId}/role`, { role: "agent" });
    expect(demote.status).toBe(422);
    expect(await demote.text()).toContain("is the last admin");
  });
});

describe("the availability after signing in", () => {
  it("is online by default, and what the admin set otherwise", async () => {
    const { ada, bobId } = await setUp();
    expect((await agentRow("bob@example.com")).availability).toBe("online");
    const set = await ada.post(`/admin/agents/${bobId}/sign-in-availability`, { availability: "away" });
    expect(set.headers.get("Location")).toBe("/admin/agents?done=agent-availability");
    const bad = await ada.post(`/admin/agents/${bobId}/sign-in-availability`, { availability: "asleep" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("pick online, away or offline");
    await signIn(harness, "bob@example.com", PASSWORD);
    expect((await agentRow("bob@example.com")).availability).toBe("away");
  });
});

describe("an agent's own settings", () => {
  it("changes their password: the current one must be right, the other sessions end", async () => {
    const { bob } = await setUp();
    const other = await signIn(harness, "bob@example.com", PASSWORD);
    const page = await (await bob.get("/inbox/settings")).text();
    expect(page).toContain("Change your password");
    expect(page).toContain("Turn on browser notifications");

    const wrong = await bob.post("/inbox/settings/password", {
      current: "nope",
      password: "a-new-long-password",
      confirm: "a-new-long-password",
    });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("Your current password is not right");
    const mismatch = await bob.post("/inbox/settings/password", { current: PASSWORD, password: "a-new-long-password", confirm: "another" });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("type the same new password twice");
    const short = await bob.post("/inbox/settings/password", { current: PASSWORD, password: "short", confirm: "short" });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("at least 12 characters");
    expect((await bob.post("/inbox/settings/password", {})).status).toBe(422);

    const ok = await bob.post("/inbox/settings/password", {
      current: PASSWORD,
      password: "a-new-long-password",
      confirm: "a-new-long-password",
    });
    expect(ok.headers.get("Location")).toBe("/inbox/settings?done=password-changed");
    expect((await bob.get("/inbox")).status).toBe(200);
    expect((await other.get("/inbox")).status).toBe(303);
    expect((await trySignIn("bob@example.com", PASSWORD)).status).toBe(401);
    expect((await trySignIn("bob@example.com", "a-new-long-password")).status).toBe(303);
  });

  it("saves a time zone, a locale and the availability after sign-in, and refuses unknown ones with the reason", async () => {
    const { bob } = await setUp();
    const badZone = await bob.post("/inbox/settings/preferences", {
      time_zone: "Mars/Olympus",
      locale: "de-DE",
      sign_in_availability: "online",
    });
    expect(badZone.status).toBe(422);
    const badText = await badZone.text();
    expect(badText).toContain("pick a time zone such as");
    expect(badText).toContain('value="de-DE"'); // the form keeps what was typed
    const badLocale = await bob.post("/inbox/settings/preferences", {
      time_zone: "UTC",
      locale: "not a locale!",
      sign_in_availability: "online",
    });
    expect(badLocale.status).toBe(422);
    expect(await badLocale.text()).toContain("write a locale such as");
    const ok = await bob.post("/inbox/settings/preferences", { time_zone: "Europe/Berlin", locale: "de-de", sign_in_availability: "away" });
    expect(ok.headers.get("Location")).toBe("/inbox/settings?done=preferences-saved");
    const row = await agentRow("bob@example.com");
    expect([row.timeZone, row.locale, row.signInAvailability]).toEqual(["Europe/Berlin", "de-DE", "away"]);
    const page = await (await bob.get("/inbox/settings")).text();
    expect(page).toContain('<option value="Europe/Berlin" selected="">Europe/Berlin</option>');
  });
});
