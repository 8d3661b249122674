// The OpenAPI document and the HTML reference: public, complete, self-contained.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

const endpoints = [
  ["get", "/conversations"],
  ["get", "/conversations/{id}"],
  ["patch", "/conversations/{id}"],
  ["get", "/conversations/{id}/messages"],
  ["post", "/conversations/{id}/messages"],
  ["post", "/messages/{id}/retry"],
  ["post", "/conversations/{id}/merge"],
  ["post", "/conversations/{id}/split"],
  ["get", "/conversation-moves/{id}"],
  ["post", "/conversation-moves/{id}/undo"],
  ["post", "/conversations/{id}/verify-email"],
  ["post", "/conversations/{id}/verify-phone"],
  ["get", "/cases/{id}"],
  ["post", "/cases/{id}/resolve"],
  ["get", "/contacts"],
  ["get", "/contacts/{id}"],
  ["patch", "/contacts/{id}"],
  ["get", "/contacts/{id}/timeline"],
  ["get", "/contacts/{id}/merge-suggestions"],
  ["post", "/merge-suggestions/{id}/accept"],
  ["post", "/merge-suggestions/{id}/dismiss"],
  ["post", "/contacts/{id}/merge"],
  ["get", "/contacts/{id}/merges"],
  ["get", "/contact-merges/{id}"],
  ["post", "/contact-merges/{id}/undo"],
  ["get", "/contacts/{id}/export"],
  ["delete", "/contacts/{id}"],
  ["get", "/custom-attributes"],
  ["patch", "/contacts/{id}/custom-attributes"],
  ["patch", "/conversations/{id}/custom-attributes"],
  ["get", "/search"],
  ["get", "/knowledge/articles"],
  ["post", "/knowledge/articles"],
  ["get", "/knowledge/articles/{id}"],
  ["patch", "/knowledge/articles/{id}"],
  ["delete", "/knowledge/articles/{id}"],
  ["get", "/knowledge/search"],
  ["get", "/agents"],
  ["get", "/agents/me"],
  ["patch", "/agents/me"],
  ["get", "/inboxes"],
  ["get", "/events"],
  ["get", "/agents/{id}/routing"],
  ["put", "/agents/{id}/routing"],
  ["post", "/conversations/{id}/scheduled-messages"],
  ["get", "/conversations/{id}/scheduled-messages"],
  ["delete", "/scheduled-messages/{id}"],
  ["get", "/conversations/{id}/sla"],
  ["get", "/reports/sla"],
  ["get", "/reports/dashboard"],
  ["get", "/reports/conversations"],
  ["get", "/reports/export"],
  ["post", "/reports/reviews/{id}"],
  ["get", "/webhook-deliveries"],
  ["get", "/webhook-deliveries/{id}"],
  ["post", "/webhook-deliveries/{id}/replay"],
] as const;

describe("GET /api/openapi.json", () => {
  it("is public OpenAPI 3.1 with the bearer scheme and a path for every endpoint", async () => {
    const res = await t.api("/api/openapi.json", { token: null });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers).toEqual([{ url: "/api/v1" }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const [method, path] of endpoints) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(Object.values(doc.paths).flatMap((item) => Object.keys(item as object))).toHaveLength(endpoints.length);
    expect(doc.components.schemas.Message.properties).toHaveProperty("delivery_status");
    expect(doc.paths["/conversations"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["status", "inbox", "assignee", "contact_id", "cursor", "limit"]),
    );
  });

  it("files every operation under one tag, with 401 and each error status described once for the whole API", async () => {
    const doc = await (await t.api("/api/openapi.json", { token: null })).json();
    const descriptions = new Map<string, Set<string>>();
    for (const [path, item] of Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          { tags: string[]; responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }> }
        >
      >,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.tags, `${method} ${path}`).toHaveLength(1);
        expect(operation.responses["401"], `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
            $ref: "#/components/schemas/Error",
          });
          descriptions.set(status, (descriptions.get(status) ?? new Set()).add(response.description));
        }
      }
    }
    expect(Object.fromEntries([...descriptions].map(([status, texts]) => [status, [...texts]]))).toEqual({
      401: ["Missing or invalid API token"],
      403: ["The API token's agent is not an admin"],
      404: ["No such resource"],
      409: ["The resource is not in a state that allows this"],
      422: ["Invalid input; the message names each bad field"],
      429: ["Too many requests of this kind; the message says when to retry"],
    });
  });
});

describe("GET /api/docs", () => {
  it("is public, self-contained HTML listing every operation", async () => {
    const res = await t.api("/api/docs", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/i);
    for (const [method, path] of endpoints) expect(html).toContain(`${method.toUpperCase()} ${path}`);
    expect(html).toContain("switchboard create-token --agent &lt;email&gt;");
    expect(html).toContain('id="schema-Conversation"');
  });
});
