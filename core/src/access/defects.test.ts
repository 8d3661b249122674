// The team-scope defects found when Switchboard was tried as an attacker, each reproduced through
// HTTP to the app: contacts listed, searched, read and changed across teams; the live event stream
// delivering other teams' messages; merges that pull another team's customer in; every inbox listed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixWorld, type MatrixWorld, secretOf } from "./matrix/seed.ts";

let world: MatrixWorld;
beforeAll(async () => {
  world = await createMatrixWorld();
}, 60_000);
afterAll(async () => world?.harness.close());

const asAlpha = (path: string, init: { method?: string; json?: unknown; form?: Record<string, string> } = {}) => {
  const { agent, cookie, csrf } = world.credentials.alpha;
  const api = path.startsWith("/api/");
  const headers: Record<string, string> = api
    ? { Authorization: `Bearer ${agent.token}` }
    : { Cookie: cookie, "X-CSRF-Token": csrf, Origin: "http://localhost", "Sec-Fetch-Site": "same-origin" };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  if (init.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  return world.harness.request(path, { method: init.method ?? "GET", headers, body });
};

const contactRow = async (id: number) =>
  (await world.harness.switchboard.store.client.execute({ sql: "SELECT name, attributes FROM contacts WHERE id = ?", args: [id] })).rows[0];
const conversationsOf = async (contactId: number) =>
  (
    await world.harness.switchboard.store.client.execute({
      sql: "SELECT id FROM conversations WHERE contact_id = ? ORDER BY id",
      args: [contactId],
    })
  ).rows.map((r) => Number(r.id));

describe("team scope", () => {
  it("REST contacts: another team's customer is not listed, found, read, renamed or given attributes", async () => {
    const bravo = world.teams.bravo.contactId;
    const before = await contactRow(bravo);
    const list = await (await asAlpha("/api/v1/contacts?limit=100")).text();
    expect(list).toContain(secretOf("alpha"));
    expect(list).not.toContain(secretOf("bravo"));
    expect(await (await asAlpha(`/api/v1/contacts?q=${secretOf("bravo")}`)).json()).toEqual({ data: [], next_cursor: null });
    expect((await asAlpha(`/api/v1/contacts/${bravo}`)).status).toBe(404);
    expect((await asAlpha(`/api/v1/contacts/${bravo}`, { method: "PATCH", json: { name: "Mallory" } })).status).toBe(404);
    expect((await asAlpha(`/api/v1/contacts/${bravo}`, { method: "PATCH", json: { attributes: { vip: true } } })).status).toBe(404);
    expect(
      (await asAlpha(`/api/v1/contacts/${bravo}/custom-attributes`, { method: "PATCH", json: { values: { plan: "free" } } })).status,
    ).toBe(404);
    expect(await contactRow(bravo)).toEqual(before);
  });

  it("merges: an agent cannot pull another team's customer into their own, over REST or from the inbox form", async () => {
    const { alpha, bravo } = world.teams;
    const bravoConversations = await conversationsOf(bravo.contactId);
    const rest = await asAlpha(`/api/v1/contacts/${alpha.contactId}/merge`, { method: "POST", json: { contact_id: bravo.contactId } });
    expect(rest.status).toBe(404);
    const byId = await asAlpha(`/inbox/conversations/${alpha.conversationId}/merge-contact`, {
      method: "POST",
      form: { other: String(bravo.contactId) },
    });
    expect(byId.status).toBe(404);
    const byEmail = await asAlpha(`/inbox/conversations/${alpha.conversationId}/merge-contact`, {
      method: "POST",
      form: { other: "main.bravo@example.com" },
    });
    expect(byEmail.status).toBe(404);
    expect(await conversationsOf(bravo.contactId)).toEqual(bravoConversations);
  });

  it("GET /api/v1/inboxes lists only the inboxes the agent's teams serve", async () => {
    const { data } = (await (await asAlpha("/api/v1/inboxes")).json()) as { data: { name: string }[] };
    expect(data.map((inbox) => inbox.name)).toEqual(["alpha"]);
  });

  it("merge suggestions never name another team's customer", async () => {
    const { alpha, bravo } = world.teams;
    await world.harness.switchboard.store.client.execute({
      sql: "INSERT INTO contact_suggestions (contact_id, other_contact_id, evidence) VALUES (?, ?, '[]')",
      args: [alpha.contactId, bravo.contactId],
    });
    const suggestions = await (await asAlpha(`/api/v1/contacts/${alpha.contactId}/merge-suggestions`)).text();
    expect(suggestions).toContain(secretOf("alpha"));
    expect(suggestions).not.toContain(secretOf("bravo"));
    const page = await (await asAlpha(`/inbox/conversations/${alpha.conversationId}`)).text();
    expect(page).not.toContain(secretOf("bravo"));
  });
});
