// The REST API shows an agent's token only what that agent may see in the inbox: conversations,
// messages, timelines and search results of inboxes given to other teams answer 404 or are left out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgent } from "../../auth/agents.ts";
import { createApiToken } from "../../auth/tokens.ts";
import { teamInboxes, teams } from "../../store/schema.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => t.close());

describe("inbox access in the REST API", () => {
  it("hides conversations of inboxes given to other teams from an agent's token", async () => {
    const open = await t.say("support", { externalId: "u1", name: "Grace" }, "about billing");
    const secret = await t.say("sales", { externalId: "u1" }, "secret deal");
    await t.switchboard.store.write(async (tx) => {
      const [team] = await tx.insert(teams).values({ name: "Sales" }).returning();
      await tx.insert(teamInboxes).values({ teamId: team!.id, inbox: "sales" });
    });
    const { agent } = await createAgent(t.switchboard.store, { email: "bob@example.com", name: "Bob" });
    const { token } = await createApiToken(t.switchboard.store, agent.id, "bob");
    const asBob = async (path: string, init: { method?: string; body?: unknown } = {}) => {
      const response = await t.api(path, { ...init, token });
      return {
        status: response.status,
        body: (await response.json()) as { data?: { id?: number; conversation_id?: number; text?: string }[]; conversations?: unknown[] },
      };
    };
    const list = await asBob("/api/v1/conversations");
    expect(list.body.data!.map((c) => c.id)).toEqual([open.conversationId]);
    expect((await asBob(`/api/v1/conversations/${secret.conversationId}`)).status).toBe(404);
    expect((await asBob(`/api/v1/conversations/${secret.conversationId}/messages`)).status).toBe(404);
    expect((await asBob(`/api/v1/conversations/${secret.conversationId}`, { method: "PATCH", body: { status: "resolved" } })).status).toBe(
      404,
    );
    expect((await asBob(`/api/v1/conversations/${secret.conversationId}/messages`, { method: "POST", body: { text: "hi" } })).status).toBe(
      404,
    );
    const timeline = await asBob(`/api/v1/contacts/${open.contactId}/timeline`);
    expect(timeline.body.data!.map((m) => m.text)).toEqual(["about billing"]);
    expect((await asBob(`/api/v1/contacts/${open.contactId}`)).body.conversations).toHaveLength(1);
    expect((await asBob("/api/v1/search?q=secret")).body.data).toEqual([]);
    expect((await t.api("/api/v1/search?q=secret").then((r) => r.json())) as { data: unknown[] }).toMatchObject({
      data: [expect.anything()],
    });
  });
});
