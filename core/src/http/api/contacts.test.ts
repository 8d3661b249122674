// Contacts through the API: full-text search, detail with identities, PATCH, and the cross-channel timeline.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json } from "../../testing/json.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("GET /contacts", () => {
  it("finds contacts by name, email or phone prefix through FTS, and pages the rest", async () => {
    await t.say("support", { externalId: "a", name: "Alice Martin", email: "alice.martin@example.com" }, "hi");
    await t.say("support", { externalId: "b", name: "Bruno Díaz", phone: "+14155550123" }, "hi");
    await t.say("sales", { externalId: "c", name: "Chloé Alain" }, "hi");
    const names = async (q: string) =>
      (await json(t.api(`/api/v1/contacts?q=${encodeURIComponent(q)}`))).body.data.map((c: { name: string }) => c.name);
    expect(await names("ali")).toEqual(["Alice Martin"]);
    expect(await names("martin@example")).toEqual(["Alice Martin"]);
    expect(await names("diaz")).toEqual(["Bruno Díaz"]);
    expect(await names("chloe ala")).toEqual(["Chloé Alain"]);
    expect(await names("14155550123")).toEqual(["Bruno Díaz"]);
    for (const hostile of ['"', "ali OR", "name:x", "*", "NEAR(a b)", "'); DROP TABLE contacts; --"]) {
      expect((await t.api(`/api/v1/contacts?q=${encodeURIComponent(hostile)}`)).status).toBe(200);
    }
    const page1 = (await json(t.api("/api/v1/contacts?limit=2"))).body;
    const page2 = (await json(t.api(`/api/v1/contacts?limit=2&cursor=${page1.next_cursor}`))).body;
    expect([...page1.data, ...page2.data].map((c: { name: string }) => c.name)).toEqual(["Chloé Alain", "Bruno Díaz", "Alice Martin"]);
    expect(page2.next_cursor).toBeNull();
  });
});

describe("GET and PATCH /contacts/:id", () => {
  it("returns identities and conversations, and 404 for an unknown id", async () => {
    const a = await t.say("support", { externalId: "a", name: "Ann" }, "hi");
    const { status, body } = await json(t.api(`/api/v1/contacts/${a.contactId}`));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: a.contactId,
      name: "Ann",
      identities: [{ channel: "echo", external_id: "a", verified: false }],
      conversations: [{ id: a.conversationId, inbox: "support" }],
    });
    expect((await json(t.api("/api/v1/contacts/9999"))).status).toBe(404);
  });

  it("updates name, email and phone and merges attributes", async () => {
    const a = await t.say("support", { externalId: "a", name: "Ann" }, "hi");
    const path = `/api/v1/contacts/${a.contactId}`;
    await json(t.api(path, { method: "PATCH", body: { attributes: { plan: "pro", seats: 3 } } }));
    const { status, body } = await json(
      t.api(path, {
        method: "PATCH",
        body: { name: "Ann Lee", email: "ANN@Example.com", phone: "+442071838750", attributes: { seats: null, vip: true } },
      }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: "Ann Lee",
      email: "ann@example.com",
      phone: "+442071838750",
      attributes: { plan: "pro", vip: true },
    });
    expect(body.attributes).not.toHaveProperty("seats");
    const bad = await json(t.api(path, { method: "PATCH", body: { phone: "555-1234" } }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("phone: expected an E.164 phone number");
    expect((await json(t.api(path, { method: "PATCH", body: { email: "nope" } }))).status).toBe(422);
    expect((await json(t.api("/api/v1/contacts/9999", { method: "PATCH", body: { name: "X" } }))).status).toBe(404);
  });
});

describe("GET /contacts/:id/timeline", () => {
  it("lists every message of every conversation of the contact across two inboxes, oldest first", async () => {
    const contact = { email: "dana@example.com", verified: true, name: "Dana" };
    const chat = await t.say("support", { externalId: "dana-chat", ...contact }, "1 chat: hello");
    const mail = await t.say("sales", { externalId: "dana-mail", ...contact }, "2 relay: a quote please");
    expect(mail.contactId).toBe(chat.contactId);
    expect(mail.conversationId).not.toBe(chat.conversationId);
    await t.say("support", { externalId: "someone-else" }, "not Dana's");
    t.clock.advance(1000);
    await t.api(`/api/v1/conversations/${chat.conversationId}/messages`, { method: "POST", body: { text: "3 reply on chat" } });
    await t.say("sales", { externalId: "dana-mail", ...contact }, "4 relay: thanks");
    t.clock.advance(1000);
    await t.api(`/api/v1/conversations/${mail.conversationId}/messages`, { method: "POST", body: { text: "5 note", private: true } });

    const path = `/api/v1/contacts/${chat.contactId}/timeline?limit=2`;
    const all: { text: string; channel: string; created_at: number }[] = [];
    let cursor: string | null = null;
    do {
      const body: { data: typeof all; next_cursor: string | null } = (await json(t.api(cursor ? `${path}&cursor=${cursor}` : path))).body;
      all.push(...body.data);
      cursor = body.next_cursor;
    } while (cursor);
    const texts = all.filter((e) => (e as { type?: string }).type === "message").map((m) => m.text);
    expect(texts).toEqual(["1 chat: hello", "2 relay: a quote please", "3 reply on chat", "4 relay: thanks", "5 note"]);
    // Each entry says its channel; a marker comes where the customer went on on the other channel,
    // also across page boundaries (pages of 2 messages), and never for a note.
    const entries = all.map((e) => {
      const entry = e as unknown as { type: string; channel: string; from_channel?: string; text?: string };
      return entry.type === "channel_switch" ? `switch ${entry.from_channel} → ${entry.channel}` : `${entry.channel}: ${entry.text}`;
    });
    expect(entries).toEqual([
      "echo: 1 chat: hello",
      "switch echo → relay",
      "relay: 2 relay: a quote please",
      "switch relay → echo",
      "echo: 3 reply on chat",
      "switch echo → relay",
      "relay: 4 relay: thanks",
      "relay: 5 note",
    ]);
    expect(new Set(all.map((m) => m.channel))).toEqual(new Set(["echo", "relay"]));
    expect(all.map((m) => m.created_at)).toEqual([...all.map((m) => m.created_at)].sort((x, y) => x - y));
    expect((await json(t.api("/api/v1/contacts/9999/timeline"))).status).toBe(404);
    const marker = all.find((e) => (e as { type?: string }).type === "channel_switch") as unknown as Record<string, unknown>;
    expect(marker).toEqual({
      type: "channel_switch",
      channel: "relay",
      from_channel: "echo",
      conversation_id: mail.conversationId,
      message_id: mail.messageId,
      created_at: expect.any(Number),
    });
  });
});
