// The knowledge base through HTTP: the REST API (admins write, agents read and search published
// articles only, bad input is a 422 with the reason, the OpenAPI document describes it) and the
// admin pages (write with a form, the article shown as sanitised HTML, agents refused).
import { afterEach, describe, expect, it } from "vitest";
import { inboxHarness, signIn } from "../inbox/fixtures.ts";
import { auditLog, knowledgeArticles } from "../store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, json } from "../testing/index.ts";

let harness: Harness;
afterEach(async () => harness?.close());

const api = (token: string) => ({
  get: (path: string) => harness.request(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } }),
  send: (method: string, path: string, body: unknown) =>
    harness.request(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
});

describe("knowledge REST API", () => {
  it("lets admins write and agents read published articles only", async () => {
    harness = await createTestHarness();
    const admin = api((await createTestAgent(harness, { name: "Ada", role: "admin" })).token);
    const agent = api((await createTestAgent(harness, { name: "Bob" })).token);

    const created = await admin.send("POST", "/knowledge/articles", {
      title: "Refunds",
      body: "We refund **within 14 days**.<script>x()</script>",
      tags: ["Billing", "refunds"],
      locale: "EN",
    });
    expect(created.status).toBe(201);
    const article = (await created.json()) as { id: number; status: string; tags: string[]; locale: string; body_html: string };
    expect(article).toMatchObject({ status: "draft", tags: ["billing", "refunds"], locale: "en" });
    expect(article.body_html).toBe("<p>We refund <strong>within 14 days</strong>.</p>\n");

    expect((await agent.get(`/knowledge/articles/${article.id}`)).status).toBe(404);
    expect((await agent.get("/knowledge/articles?status=draft")).status).toBe(403);
    expect(((await (await agent.get("/knowledge/articles")).json()) as { data: unknown[] }).data).toEqual([]);
    expect(((await (await admin.get("/knowledge/articles?status=draft")).json()) as { data: unknown[] }).data).toHaveLength(1);

    expect((await admin.send("PATCH", `/knowledge/articles/${article.id}`, { status: "published" })).status).toBe(200);
    expect((await agent.get(`/knowledge/articles/${article.id}`)).status).toBe(200);
    const hits = (await (await agent.get("/knowledge/search?q=can%20I%20get%20a%20refund%3F")).json()) as { data: { id: number }[] };
    expect(hits.data.map((h) => h.id)).toEqual([article.id]);

    expect((await agent.send("POST", "/knowledge/articles", { title: "Mine", body: "x" })).status).toBe(403);
    expect((await agent.send("PATCH", `/knowledge/articles/${article.id}`, { title: "Mine" })).status).toBe(403);
    expect((await agent.send("DELETE", `/knowledge/articles/${article.id}`, undefined)).status).toBe(403);
    expect((await admin.send("DELETE", `/knowledge/articles/${article.id}`, undefined)).status).toBe(204);
    expect((await admin.get(`/knowledge/articles/${article.id}`)).status).toBe(404);
    const audit = await harness.switchboard.store.db.select({ action: auditLog.action }).from(auditLog);
    expect(audit.map((a) => a.action).filter((a) => a.startsWith("knowledge"))).toEqual([
      "knowledge_article.created",
      "knowledge_article.updated",
      "knowledge_article.deleted",
    ]);
  });

  it("answers bad input with 422 and the reason, and pages with a cursor", async () => {
    harness = await createTestHarness();
    const admin = api((await createTestAgent(harness, { name: "Ada", role: "admin" })).token);
    const bad: [unknown, RegExp][] = [
      [{ title: " ", body: "x" }, /title/],
      [{ title: "T", body: "x", tags: "billing" }, /tags/],
      [{ title: "T", body: "x", tags: ["no spaces allowed"] }, /tag/],
      [{ title: "T", body: "x", locale: "english!" }, /language tag/],
      [{ title: "T", body: "x", status: "live" }, /draft/],
      [{ title: "T", body: "x", extra: 1 }, /extra/],
    ];
    for (const [body, reason] of bad) {
      const answer = await admin.send("POST", "/knowledge/articles", body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(await answer.json())).toMatch(reason);
    }
    expect((await admin.send("PATCH", "/knowledge/articles/99", { title: "x" })).status).toBe(404);
    expect((await admin.get("/knowledge/search?q=")).status).toBe(422);
    expect((await admin.get("/knowledge/articles?cursor=nope")).status).toBe(422);
    expect(await harness.switchboard.store.db.select().from(knowledgeArticles)).toEqual([]);

    for (const title of ["One", "Two", "Three"]) await admin.send("POST", "/knowledge/articles", { title, body: "Body" });
    const first = (await (await admin.get("/knowledge/articles?limit=2")).json()) as { data: { title: string }[]; next_cursor: string };
    expect(first.data.map((a) => a.title)).toEqual(["Three", "Two"]);
    const second = (await (await admin.get(`/knowledge/articles?limit=2&cursor=${first.next_cursor}`)).json()) as {
      data: { title: string }[];
      next_cursor: null;
    };
    expect(second).toEqual({ data: [expect.objectContaining({ title: "One" })], next_cursor: null });
  });

  it("is described in the OpenAPI document", async () => {
    harness = await createTestHarness();
    const { body: doc } = await json<{ paths: Record<string, Record<string, unknown>> }>(harness.request("/api/openapi.json"));
    expect(Object.keys(doc.paths["/knowledge/articles"] ?? {})).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/knowledge/articles/{id}"] ?? {})).toEqual(["get", "patch", "delete"]);
    expect(doc.paths["/knowledge/search"]?.get).toBeDefined();
  });
});

describe("knowledge admin pages", () => {
  it("writes an article with the form, shows it rendered and safe, and refuses agents", async () => {
    ({ harness } = await inboxHarness());
    const ada = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const bob = await signIn(harness, "bob@example.com", "correct-horse-battery");

    const refused = await ada.post("/admin/knowledge", { title: "", body: "x", tags: "", locale: "en", status: "draft" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Title: give the article a title");

    const saved = await ada.post("/admin/knowledge", {
      title: "Shipping",
      body: "# Shipping\n\nParcels arrive in **3 days**. <img src=x onerror=alert(1)>",
      tags: "delivery, shipping",
      locale: "en",
      status: "published",
    });
    expect(saved.status).toBe(303);
    const location = saved.headers.get("Location")!;
    expect(location).toMatch(/^\/admin\/knowledge\/\d+\?done=article-created$/);
    const page = await (await ada.get(location)).text();
    const shown = /<section class="article-body"[^>]*>([\s\S]*?)<\/section>/.exec(page)?.[1];
    expect(shown).toBe("<h1>Shipping</h1>\n<p>Parcels arrive in <strong>3 days</strong>. <img /></p>\n");
    expect(page).toContain("delivery, shipping");

    expect((await bob.get("/admin/knowledge")).status).toBe(403);
    expect((await bob.post("/admin/knowledge", { title: "x", body: "y", tags: "", locale: "en", status: "draft" })).status).toBe(403);
    const id = Number(/\/(\d+)\?/.exec(location)![1]);
    expect((await ada.post(`/admin/knowledge/${id}/delete`, {})).status).toBe(303);
    expect((await ada.get(`/admin/knowledge/${id}`)).status).toBe(404);
  });
});
