// The admin pages through their routes, signed in as Ada (admin) or Bob (agent): agents (create,
// role, password reset, delete rules), teams and inbox visibility, inboxes and plugins (never their
// options), canned responses, labels, and who may post what.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { agents, auditLog, cannedResponses, labels, teamInboxes, teams } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

async function asAda(): Promise<Browser> {
  ({ harness } = await inboxHarness());
  return signIn(harness, "ada@example.com", PASSWORD);
}

const db = () => harness.switchboard.store.db;
const agentByEmail = async (email: string) => (await db().select().from(agents).where(eq(agents.email, email)))[0];
const shownPassword = (html: string) => /<code class="secret">([^<]+)<\/code>/.exec(html)?.[1];
/** The decoded text of a page, without its tags. */
const text = async (response: Response) =>
  (await response.text())
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

describe("admin: access", () => {
  it("redirects /admin to the agents page and shows the admin navigation", async () => {
    const ada = await asAda();
    const root = await ada.get("/admin");
    expect(root.status).toBe(303);
    expect(root.headers.get("Location")).toBe("/admin/agents");
    const html = await (await ada.get("/admin/agents")).text();
    expect(html).toContain('<main class="admin" id="main" tabIndex="0" aria-labelledby="admin-title">');
    expect(html).toContain('aria-label="Administration"');
    for (const path of ["/admin/teams", "/admin/inboxes", "/admin/canned-responses", "/admin/labels"])
      expect(html).toContain(`href="${path}"`);
    expect(html).toContain('<th scope="col">Availability</th>');
  });

  it("answers 403 to agents and to posts without a CSRF token", async () => {
    const ada = await asAda();
    const bob = await signIn(harness, "bob@example.com", PASSWORD);
    for (const path of ["/admin", "/admin/agents", "/admin/inboxes", "/admin/teams/1"]) expect((await bob.get(path)).status).toBe(403);
    expect((await bob.post("/admin/labels", { name: "sneaky" })).status).toBe(403);
    const noCsrf = await ada.post("/admin/labels", { name: "billing" }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(await db().select().from(labels)).toEqual([]);
  });
});

describe("admin: agents", () => {
  it("creates an agent whose once-shown password signs in, and audits it", async () => {
    const ada = await asAda();
    const created = await ada.post("/admin/agents", { name: "Carol New", email: "Carol@Example.com", role: "agent" });
    expect(created.status).toBe(200);
    expect(created.headers.get("Cache-Control")).toBe("no-store");
    const html = await created.text();
    expect(html).toContain("shown only this once");
    const password = shownPassword(html);
    expect(password).toMatch(/^[\w-]{24}$/);
    const carol = await signIn(harness, "carol@example.com", password!);
    expect((await carol.get("/inbox")).status).toBe(200);
    expect((await carol.get("/admin/agents")).status).toBe(403);
    const list = await (await ada.get("/admin/agents")).text();
    expect(list).toContain("carol@example.com");
    expect(list).not.toContain(password!);
    const [row] = await db().select().from(auditLog).where(eq(auditLog.action, "agent.created"));
    expect(row!.actor).toMatch(/^agent:\d+$/);
  });

  it("re-renders the form with the field's error for bad or taken emails", async () => {
    const ada = await asAda();
    const bad = await ada.post("/admin/agents", { name: "Dan", email: "not-an-email", role: "agent" });
    expect(bad.status).toBe(422);
    const page = await bad.text();
    expect(page).toContain("email: expected an email address");
    expect(page).toContain('value="Dan"');
    const taken = await ada.post("/admin/agents", { name: "Bob 2", email: "bob@example.com", role: "agent" });
    expect(taken.status).toBe(422);
    expect(await text(taken)).toContain("An agent with the email bob@example.com already exists");
  });

  it("changes a role, and refuses to demote or delete the last admin", async () => {
    const ada = await asAda();
    const bob = (await agentByEmail("bob@example.com"))!;
    const promoted = await ada.post(`/admin/agents/${bob.id}/role`, { role: "admin" });
    expect(promoted.status).toBe(303);
    expect(promoted.headers.get("Location")).toBe("/admin/agents?done=agent-role");
    expect(await text(await ada.get(promoted.headers.get("Location")!))).toContain("Role changed.");
    expect((await agentByEmail("bob@example.com"))!.role).toBe("admin");
    const bobBrowser = await signIn(harness, "bob@example.com", PASSWORD);
    expect((await bobBrowser.get("/admin/agents")).status).toBe(200);
    await ada.post(`/admin/agents/${bob.id}/role`, { role: "agent" });
    const ada_ = (await agentByEmail("ada@example.com"))!;
    const demote = await ada.post(`/admin/agents/${ada_.id}/role`, { role: "agent" });
    expect(demote.status).toBe(422);
    expect(await text(demote)).toContain("Ada Admin is the last admin");
    const remove = await ada.post(`/admin/agents/${ada_.id}/delete`, {});
    expect(remove.status).toBe(422);
    expect(await text(remove)).toContain("Ada Admin is the last admin, so you cannot delete them");
    expect(await agentByEmail("ada@example.com")).toBeDefined();
    const actions = (await db().select().from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(["agent.role_changed", "agent.role_changed"]);
  });

  it("never deletes yourself, and deletes another agent", async () => {
    const ada = await asAda();
    const bob = (await agentByEmail("bob@example.com"))!;
    await ada.post(`/admin/agents/${bob.id}/role`, { role: "admin" });
    const self = (await agentByEmail("ada@example.com"))!;
    const refused = await ada.post(`/admin/agents/${self.id}/delete`, {});
    expect(refused.status).toBe(403);
    expect(await text(refused)).toContain("You cannot delete yourself");
    const deleted = await ada.post(`/admin/agents/${bob.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(await agentByEmail("bob@example.com")).toBeUndefined();
    expect((await ada.post("/admin/agents/999/delete", {})).status).toBe(404);
  });

  it("resets a password: the new one works once shown, the old one and old sessions do not", async () => {
    const ada = await asAda();
    const bob = (await agentByEmail("bob@example.com"))!;
    const bobBrowser = await signIn(harness, "bob@example.com", PASSWORD);
    const reset = await ada.post(`/admin/agents/${bob.id}/password`, {});
    expect(reset.status).toBe(200);
    const password = shownPassword(await reset.text());
    expect(password).toBeTruthy();
    expect((await bobBrowser.get("/inbox")).status).toBe(303);
    await expect(signIn(harness, "bob@example.com", PASSWORD)).rejects.toThrow(/401/);
    const again = await signIn(harness, "bob@example.com", password!);
    expect((await again.get("/inbox")).status).toBe(200);
    expect((await ada.get("/admin/agents")).status).toBe(200);
  });
});

describe("admin: teams and inboxes", () => {
  it("restricts an inbox given to a team to its members", async () => {
    const ada = await asAda();
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    const bob = await signIn(harness, "bob@example.com", PASSWORD);
    const conversation = `/inbox/conversations/${stored.conversationId}`;
    expect((await bob.get(conversation)).status).toBe(200);

    const teamsPage = await text(await ada.get("/admin/teams"));
    expect(teamsPage).toContain("an inbox given to no team is visible to every agent");
    const created = await ada.post("/admin/teams", { name: "VIP desk" });
    expect(created.status).toBe(303);
    const teamPath = created.headers.get("Location")!.split("?")[0]!;
    expect(teamPath).toMatch(/^\/admin\/teams\/\d+$/);
    expect((await ada.post("/admin/teams", { name: "VIP desk" })).status).toBe(422);

    expect((await ada.post(`${teamPath}/inboxes`, { inbox: "test" })).status).toBe(303);
    expect(await db().select({ inbox: teamInboxes.inbox }).from(teamInboxes)).toEqual([{ inbox: "test" }]);
    expect((await bob.get(conversation)).status).toBe(404);
    const page = await ada.get(teamPath);
    expect(await page.text()).toMatch(/name="inbox" value="test" checked/);

    const bobId = (await agentByEmail("bob@example.com"))!.id;
    expect((await ada.post(`${teamPath}/members`, { agent: String(bobId) })).status).toBe(303);
    expect((await bob.get(conversation)).status).toBe(200);
    expect(await text(await ada.get("/admin/agents"))).toContain("VIP desk");

    expect((await ada.post(`${teamPath}/members/${bobId}/delete`, {})).status).toBe(303);
    expect((await bob.get(conversation)).status).toBe(404);
    const unknown = await ada.post(`${teamPath}/inboxes`, { inbox: ["test", "nope"] });
    expect(unknown.status).toBe(422);
    expect(await text(unknown)).toContain('Inbox: the config has no inbox named "nope"');
    expect((await ada.post(`${teamPath}/inboxes`, {})).status).toBe(303);
    expect((await bob.get(conversation)).status).toBe(200);
  });

  it("renames and deletes a team", async () => {
    const ada = await asAda();
    const teamPath = (await ada.post("/admin/teams", { name: "Billing" })).headers.get("Location")!.split("?")[0]!;
    await ada.post("/admin/teams", { name: "Sales" });
    expect((await ada.post(`${teamPath}/rename`, { name: "Sales" })).status).toBe(422);
    const empty = await ada.post(`${teamPath}/rename`, { name: " " });
    expect(empty.status).toBe(422);
    expect(await text(empty)).toContain("Name: give the team a name");
    expect((await ada.post(`${teamPath}/rename`, { name: "Payments" })).status).toBe(303);
    expect((await db().select({ name: teams.name }).from(teams).orderBy(teams.name)).map((t) => t.name)).toEqual(["Payments", "Sales"]);
    const deleted = await ada.post(`${teamPath}/delete`, {});
    expect(deleted.headers.get("Location")).toBe("/admin/teams?done=team-deleted");
    expect((await ada.get(teamPath)).status).toBe(404);
  });

  it("shows each inbox's state and health and the plugins, never their options", async () => {
    const ada = await asAda();
    const options = harness.switchboard.loaded.config.plugins["test-channel"]!.options as { harness: string };
    const response = await ada.get("/admin/inboxes");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<code>test</code>");
    expect(html).toContain('<span class="ok">running</span>');
    expect(html).toContain('<span class="ok">healthy</span>');
    expect(html).toContain("every agent");
    expect(html).toContain('<span class="ok">started</span>');
    expect(options.harness).toBeTruthy();
    expect(html).not.toContain(options.harness);
  });
});

describe("admin: canned responses and labels", () => {
  it("creates, edits and deletes a canned response; a taken or bad shortcut is a 422", async () => {
    const ada = await asAda();
    const created = await ada.post("/admin/canned-responses", { shortcut: "refund-policy", text: "Refunds take <5 days>." });
    expect(created.headers.get("Location")).toBe("/admin/canned-responses?done=canned-created");
    const list = await (await ada.get(created.headers.get("Location")!)).text();
    expect(list).toContain("/refund-policy");
    expect(list).toContain("Refunds take &lt;5 days&gt;.");
    expect(list).toContain("Canned response created.");
    const duplicate = await ada.post("/admin/canned-responses", { shortcut: "refund-policy", text: "again" });
    expect(duplicate.status).toBe(422);
    expect(await text(duplicate)).toContain("Shortcut: /refund-policy is already taken");
    const bad = await ada.post("/admin/canned-responses", { shortcut: "Not Valid", text: "x" });
    expect(bad.status).toBe(422);
    expect(await text(bad)).toContain("Shortcut: use only lowercase letters");
    const [row] = await db().select().from(cannedResponses);
    expect((await ada.post(`/admin/canned-responses/${row!.id}`, { shortcut: "refunds", text: "Within 5 days." })).status).toBe(303);
    expect(await db().select({ shortcut: cannedResponses.shortcut, text: cannedResponses.text }).from(cannedResponses)).toEqual([
      { shortcut: "refunds", text: "Within 5 days." },
    ]);
    expect((await ada.post(`/admin/canned-responses/${row!.id}/delete`, {})).status).toBe(303);
    expect(await db().select().from(cannedResponses)).toEqual([]);
  });

  it("creates, renames and deletes a label; a taken name or bad color is a 422", async () => {
    const ada = await asAda();
    expect((await ada.post("/admin/labels", { name: "billing", color: "#3B82F6" })).status).toBe(303);
    const duplicate = await ada.post("/admin/labels", { name: "billing", color: "" });
    expect(duplicate.status).toBe(422);
    expect(await text(duplicate)).toContain('Name: a label named "billing" already exists');
    const badColor = await ada.post("/admin/labels", { name: "vip", color: "red" });
    expect(badColor.status).toBe(422);
    expect(await text(badColor)).toContain("Color: use the form #rrggbb");
    const [label] = await db().select().from(labels);
    expect(label!.color).toBe("#3b82f6");
    expect((await ada.post(`/admin/labels/${label!.id}`, { name: "payments", color: "" })).status).toBe(303);
    expect(await db().select({ name: labels.name, color: labels.color }).from(labels)).toEqual([{ name: "payments", color: null }]);
    expect(await (await ada.get("/admin/labels")).text()).toContain('<th scope="row">payments</th>');
    expect((await ada.post(`/admin/labels/${label!.id}/delete`, {})).status).toBe(303);
    expect(await db().select().from(labels)).toEqual([]);
    const actions = (await db().select({ action: auditLog.action }).from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(["label.created", "label.updated", "label.deleted"]);
  });
});
