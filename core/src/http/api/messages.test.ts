// Messages through the API: listing with attachments, replies and notes, and retrying a failed delivery.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outbox } from "../../store/schema.ts";
import { json } from "../../testing/json.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("GET /conversations/:id/messages", () => {
  it("pages by id ascending, with attachments (never their bytes) and delivery status", async () => {
    const first = await t.say("support", { externalId: "a" }, "message 1");
    await t.switchboard.ingest("support", {
      externalId: "with-file",
      contact: { externalId: "a" },
      text: "see attached",
      attachments: [{ filename: "invoice.pdf", contentType: "application/pdf", size: 1234, url: "https://files.example.com/invoice.pdf" }],
    });
    for (let i = 3; i <= 5; i++) await t.say("support", { externalId: "a" }, `message ${i}`);
    const path = `/api/v1/conversations/${first.conversationId}/messages?limit=2`;
    const page1 = (await json(t.api(path))).body;
    expect(page1.data.map((m: { text: string }) => m.text)).toEqual(["message 1", "see attached"]);
    expect(page1.data[1].attachments).toEqual([
      {
        id: expect.any(Number),
        filename: "invoice.pdf",
        content_type: "application/pdf",
        size: 1234,
        url: "https://files.example.com/invoice.pdf",
      },
    ]);
    expect(page1.data[0]).toMatchObject({
      direction: "incoming",
      delivery_status: "received",
      delivery_error: null,
      inbox: "support",
      channel: "echo",
    });
    const page2 = (await json(t.api(`${path}&cursor=${page1.next_cursor}`))).body;
    const page3 = (await json(t.api(`${path}&cursor=${page2.next_cursor}`))).body;
    expect([...page2.data, ...page3.data].map((m: { text: string }) => m.text)).toEqual(["message 3", "message 4", "message 5"]);
    expect(page3.next_cursor).toBeNull();
    expect((await json(t.api("/api/v1/conversations/9999/messages"))).status).toBe(404);
  });
});

describe("POST /conversations/:id/messages", () => {
  it("stores a reply as the token's agent with its outbox row, and answers 201", async () => {
    const a = await t.say("support", { externalId: "a" }, "where is my order?");
    const res = await t.api(`/api/v1/conversations/${a.conversationId}/messages`, { method: "POST", body: { text: "It ships today." } });
    expect(res.status).toBe(201);
    const message = await res.json();
    expect(message).toMatchObject({
      conversation_id: a.conversationId,
      direction: "outgoing",
      author_agent_id: t.agent.id,
      text: "It ships today.",
      delivery_status: "queued",
      attachments: [],
    });
    const [row] = await t.switchboard.store.db.select().from(outbox).where(eq(outbox.messageId, message.id));
    expect(row).toMatchObject({ inbox: "support", status: "pending" });
    await t.switchboard.delivery.runDue();
    const listed = (await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data;
    expect(listed[1]).toMatchObject({ id: message.id, delivery_status: "sent", external_id: `echo-out-${message.id}` });
  });

  it("stores a private note without an outbox row", async () => {
    const a = await t.say("support", { externalId: "a" }, "hi");
    const { status, body } = await json(
      t.api(`/api/v1/conversations/${a.conversationId}/messages`, { method: "POST", body: { text: "VIP customer", private: true } }),
    );
    expect(status).toBe(201);
    expect(body.direction).toBe("note");
    expect(await t.switchboard.store.db.select().from(outbox).where(eq(outbox.messageId, body.id))).toEqual([]);
  });

  it("answers 422 with the reason, and 404 for an unknown conversation", async () => {
    const a = await t.say("support", { externalId: "a" }, "hi");
    const path = `/api/v1/conversations/${a.conversationId}/messages`;
    const empty = await json(t.api(path, { method: "POST", body: { text: "   " } }));
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toBe("Invalid body: text: write some text.");
    expect((await json(t.api(path, { method: "POST", body: { text: 42 } }))).body.error.message).toContain("text");
    expect((await json(t.api(path, { method: "POST", body: { text: "x", inbox: "nowhere" } }))).body.error.message).toContain(
      'There is no inbox "nowhere"',
    );
    expect((await json(t.api(path, { method: "POST", body: { text: "x", inbox: "sales" } }))).body.error.message).toContain(
      "no relay identity",
    );
    const malformed = await t.switchboard.app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(422);
    expect((await malformed.json()).error.message).toContain("Malformed JSON");
    const form = await t.switchboard.app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${t.token}` },
      body: "text=hi",
    });
    expect(form.status).toBe(415);
    expect((await form.json()).error.message).toContain("Content-Type: application/json");
    expect((await json(t.api("/api/v1/conversations/9999/messages", { method: "POST", body: { text: "hi" } }))).status).toBe(404);
  });
});

describe("POST /messages/:id/retry", () => {
  it("queues a failed delivery again (202), 409 when nothing failed, 404 for an unknown message", async () => {
    const a = await t.say("support", { externalId: "a" }, "hi");
    const reply = (
      await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`, { method: "POST", body: { text: "this will fail!" } }))
    ).body;
    await t.switchboard.delivery.runDue();
    const failed = (await json(t.api(`/api/v1/conversations/${a.conversationId}/messages`))).body.data[1];
    expect(failed).toMatchObject({ id: reply.id, delivery_status: "failed", delivery_error: "The echo channel refused the message." });
    const res = await t.api(`/api/v1/messages/${reply.id}/retry`, { method: "POST" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: reply.id, delivery_status: "queued" });
    const [row] = await t.switchboard.store.db.select().from(outbox).where(eq(outbox.messageId, reply.id));
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    const again = await json(t.api(`/api/v1/messages/${reply.id}/retry`, { method: "POST" }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("SWB_ERR_CONFLICT");
    expect((await json(t.api("/api/v1/messages/9999/retry", { method: "POST" }))).status).toBe(404);
  });
});
