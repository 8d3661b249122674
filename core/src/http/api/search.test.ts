// GET /search: full-text search over messages with a safe, highlighted snippet.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("GET /search", () => {
  it("finds a message by a word prefix, with its conversation and a highlighted snippet", async () => {
    const a = await t.say("support", { externalId: "a" }, "I would like a refund for order 1234 <script>alert(1)</script>");
    await t.say("support", { externalId: "b" }, "Thanks, all good");
    const res = await t.api("/api/v1/search?q=refun");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      message_id: a.messageId,
      conversation_id: a.conversationId,
      contact_id: a.contactId,
      inbox: "support",
      direction: "incoming",
    });
    expect(body.data[0].snippet).toContain("<mark>refund</mark>");
    expect(body.data[0].snippet).not.toContain("<script>");
    expect(body.data[0].snippet).toContain("&#60;script&#62;");
  });

  it("leaves activity entries out, pages, and refuses an empty query", async () => {
    const a = await t.say("support", { externalId: "a" }, "alpha one");
    for (let i = 0; i < 3; i++) await t.say("support", { externalId: `x${i}` }, `alpha ${i}`);
    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "resolved" } });
    expect((await (await t.api("/api/v1/search?q=Alice")).json()).data).toEqual([]);
    const page1 = await (await t.api("/api/v1/search?q=alpha&limit=3")).json();
    const page2 = await (await t.api(`/api/v1/search?q=alpha&limit=3&cursor=${page1.next_cursor}`)).json();
    expect(new Set([...page1.data, ...page2.data].map((h: { message_id: number }) => h.message_id)).size).toBe(4);
    expect(page2.next_cursor).toBeNull();
    const empty = await t.api("/api/v1/search?q=%20%20");
    expect(empty.status).toBe(422);
    expect((await t.api("/api/v1/search")).status).toBe(422);
  });
});
