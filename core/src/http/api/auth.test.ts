// REST API authentication: bearer tokens, the 401 answers and what they tell the caller to do.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiTokens } from "../../store/schema.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("bearer token auth", () => {
  it("answers 401 without a token, saying how to create one", async () => {
    const res = await t.api("/api/v1/conversations", { token: null });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe("SWB_ERR_UNAUTHORIZED");
    expect(body.error.message).toContain("switchboard create-token --agent <email>");
  });

  it("answers 401 for an unknown token and for a malformed header", async () => {
    const unknown = await t.api("/api/v1/agents/me", { token: "swb_not-a-real-token" });
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).error.message).toContain("not valid");
    const foreign = await t.api("/api/v1/agents/me", { token: "ghp_123" });
    expect(foreign.status).toBe(401);
    const basic = await t.switchboard.app.request("/api/v1/agents/me", { headers: { authorization: "Basic YWxpY2U6cHc=" } });
    expect(basic.status).toBe(401);
    expect((await basic.json()).error.message).toContain('"Bearer <token>"');
  });

  it("authenticates a valid token as its agent and records when it was used", async () => {
    const res = await t.api("/api/v1/agents/me");
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me).toMatchObject({ id: t.agent.id, email: "alice@example.com", name: "Alice", role: "admin", availability: "offline" });
    expect(me).not.toHaveProperty("password_hash");
    const [row] = await t.switchboard.store.db.select().from(apiTokens).where(eq(apiTokens.agentId, t.agent.id));
    expect(row!.lastUsedAt).toBeTypeOf("number");
    expect(row!.tokenHash).not.toContain(t.token);
  });

  it("guards unknown routes under /api/v1 too, and 404s them once authenticated", async () => {
    expect((await t.api("/api/v1/nope", { token: null })).status).toBe(401);
    const res = await t.api("/api/v1/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("SWB_ERR_NOT_FOUND");
  });
});

describe("agents and inboxes", () => {
  it("sets the token agent's availability and validates it", async () => {
    const ok = await t.api("/api/v1/agents/me", { method: "PATCH", body: { availability: "online" } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).availability).toBe("online");
    const bad = await t.api("/api/v1/agents/me", { method: "PATCH", body: { availability: "busy" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.message).toContain("availability");
    const list = await (await t.api("/api/v1/agents")).json();
    expect(list.data).toEqual([expect.objectContaining({ email: "alice@example.com", availability: "online" })]);
  });

  it("lists inboxes with their state and never their options", async () => {
    const body = await (await t.api("/api/v1/inboxes")).json();
    expect(body.data).toEqual([
      { name: "support", channel: "echo", plugin: "echo-channel", display_name: "Support", state: "ready", error: null },
      { name: "sales", channel: "relay", plugin: "echo-channel", display_name: "sales", state: "ready", error: null },
    ]);
  });
});
