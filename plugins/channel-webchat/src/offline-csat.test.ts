// Looks, pre-chat, offline and CSAT over real HTTP: the config the widget draws itself from, a
// closed team saying when it opens, the pre-chat and offline email reaching core's contact (as a
// fact, never a verified identity), and a rating asked for on resolve and stored once in the kv.

import { json, tables } from "@switchboard/core/testing";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR, updateConversation } from "../../../core/src/conversations/update.ts";
import { type Kit, startKit } from "../test-support/kit.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

type Entry = { seq: number; kind: string; author: string; text: string; csat?: boolean; rating?: number; conversation_id: number };
type ErrorBody = { error: { reason: string } };

async function firstMessage(k: Kit, token: string, text = "Hello") {
  const sent = await json<{ message: Entry }>(k.say(token, text));
  if (sent.status !== 201) throw new Error(`send answered ${sent.status}`);
  return sent.body.message.conversation_id;
}

describe("config", () => {
  it("gives the widget its looks, forms and limits from the inbox options", async () => {
    kit = await startKit({
      title: "Shop help",
      greeting: "Moin!",
      launcher_label: "Hilfe",
      language: "de",
      position: "left",
      theme: "dark",
      colors: { primary: "#0a7d32", on_primary: "#fff" },
      pre_chat: "required",
      max_text_length: 800,
      offline_when_no_agent_online: false,
    });
    const config = await json(kit.call("/config"));
    expect(config.body).toMatchObject({
      title: "Shop help",
      greeting: "Moin!",
      launcher_label: "Hilfe",
      language: "de",
      position: "left",
      theme: "dark",
      colors: { primary: "#0a7d32", on_primary: "#fff" },
      pre_chat: "required",
      max_text_length: 800,
      online: true,
      next_open_at: null,
    });
    expect(JSON.stringify(config.body)).not.toContain("secret");
  });

  it("refuses a colour that is not a hex colour, naming the key and the plugin", async () => {
    await expect(startKit({ colors: { primary: "red;}body{display:none" } })).rejects.toMatchObject({
      code: "SWB_ERR_CONFIG_INVALID",
      location: { key: "inboxes.site.options.colors.primary", plugin: "webchat" },
    });
    await expect(startKit({ allowed_origins: ["https://shop.example.com/"] })).rejects.toMatchObject({
      location: { key: "inboxes.site.options.allowed_origins[0]" },
    });
  });
});

describe("offline", () => {
  it("says when the team opens again", async () => {
    const hour = (new Date().getUTCHours() + 2) % 24;
    const range = `${String(hour).padStart(2, "0")}:00-${String(hour + 1).padStart(2, "0")}:00`;
    const days = Object.fromEntries(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [d, range]));
    kit = await startKit({ business_hours: { timezone: "UTC", days } });
    const config = await json<{ online: boolean; next_open_at: number }>(kit.call("/config"));
    expect(config.body.online).toBe(false);
    expect(new Date(config.body.next_open_at).getUTCHours()).toBe(hour);
    expect(config.body.next_open_at - Date.now()).toBeGreaterThan(60 * 60_000);
    expect(config.body.next_open_at - Date.now()).toBeLessThanOrEqual(2 * 60 * 60_000);
  });

  it("puts the visitor's email on the contact and tells the agents where to reply", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await firstMessage(kit, token, "Anyone there?");
    const live = await kit.stream(token);
    await live.waitFor((e) => e.event === "ready");

    const saved = await json<{ visitor: { email: string } }>(kit.call("/profile", { token, body: { email: "Ada@Example.com" } }));
    expect(saved).toMatchObject({ status: 200, body: { visitor: { email: "ada@example.com" } } });
    const note = JSON.parse((await live.waitFor((e) => e.data.includes('"kind":"email"'))).data) as Entry;
    expect(note).toMatchObject({ author: "system", text: "ada@example.com", conversation_id: conversationId });

    const db = kit.harness.switchboard.store.db;
    const [message] = await db.select().from(tables.messages).where(eq(tables.messages.text, "Email for the reply: ada@example.com"));
    expect(message).toMatchObject({
      conversationId,
      direction: "incoming",
      metadata: { webchat: { event: "email_left", email: "ada@example.com" } },
    });
    const [contact] = await db.select().from(tables.contacts).where(eq(tables.contacts.id, message!.contactId));
    expect(contact!.email).toBe("ada@example.com");
    // Anyone can type any email: it is a fact on the contact, never a verified identity that joins contacts.
    expect(await db.select().from(tables.identities).where(eq(tables.identities.channel, "email"))).toEqual([]);
    expect((await kit.call("/profile", { token, body: { email: "not-an-email" } })).status).toBe(422);
    live.close();
  });

  it("takes the pre-chat name and email before the first message, onto the new contact", async () => {
    kit = await startKit({ pre_chat: "required" });
    const token = await kit.visitor();
    expect((await kit.call("/profile", { token, body: { name: "Grace", email: "grace@example.com" } })).status).toBe(200);
    await firstMessage(kit, token);
    const [contact] = await kit.harness.switchboard.store.db.select().from(tables.contacts);
    expect(contact).toMatchObject({ name: "Grace", email: "grace@example.com" });
    expect(await kit.harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(1);
  });
});

describe("CSAT", () => {
  it("asks for a rating when the conversation is resolved, and stores it once in the kv", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const conversationId = await firstMessage(kit, token);
    const live = await kit.stream(token);
    await live.waitFor((e) => e.event === "ready");
    expect(await json<ErrorBody>(kit.call(`/conversations/${conversationId}/rating`, { token, body: { rating: 5 } }))).toMatchObject({
      status: 409,
      body: { error: { reason: "rating_not_requested" } },
    });

    await updateConversation(kit.harness.switchboard, SYSTEM_ACTOR, conversationId, { status: "resolved" });
    const resolved = JSON.parse((await live.waitFor((e) => e.data.includes('"kind":"resolved"'))).data) as Entry;
    expect(resolved).toMatchObject({ conversation_id: conversationId, csat: true });

    expect((await kit.call(`/conversations/${conversationId}/rating`, { token, body: { rating: 9 } })).status).toBe(422);
    const rated = await json<{ message: Entry }>(
      kit.call(`/conversations/${conversationId}/rating`, { token, body: { rating: 4, comment: "Quick, thanks" } }),
    );
    expect(rated).toMatchObject({ status: 200, body: { message: { kind: "rating", rating: 4, text: "Quick, thanks" } } });
    const again = await json<{ message: Entry }>(kit.call(`/conversations/${conversationId}/rating`, { token, body: { rating: 1 } }));
    expect(again.body.message.seq).toBe(rated.body.message.seq);

    const [kv] = await kit.harness.switchboard.store.db
      .select()
      .from(tables.pluginKv)
      .where(and(eq(tables.pluginKv.plugin, "inbox:site"), eq(tables.pluginKv.key, `csat:${conversationId}`)));
    expect(kv!.value).toMatchObject({ conversationId, rating: 4, comment: "Quick, thanks", contactId: expect.any(Number) });
    const [conversation] = await kit.harness.switchboard.store.db
      .select()
      .from(tables.conversations)
      .where(eq(tables.conversations.id, conversationId));
    expect(conversation!.status).toBe("resolved");

    // Writing again starts a new conversation; the old one keeps its rating in the visitor's history.
    const next = await firstMessage(kit, token, "One more thing");
    expect(next).not.toBe(conversationId);
    const list = await json<{ conversations: { id: number; resolved: boolean; rating: number | null }[] }>(
      kit.call("/conversations", { token }),
    );
    expect(list.body.conversations).toEqual([
      expect.objectContaining({ id: conversationId, resolved: true, rating: 4 }),
      expect.objectContaining({ id: next, resolved: false, rating: null }),
    ]);
    live.close();
  });

  it("does not ask when CSAT is off", async () => {
    kit = await startKit({ csat: false });
    const token = await kit.visitor();
    const conversationId = await firstMessage(kit, token);
    await updateConversation(kit.harness.switchboard, SYSTEM_ACTOR, conversationId, { status: "resolved" });
    await kit.harness.drain();
    const history = await json<{ messages: Entry[] }>(kit.call("/messages", { token }));
    expect(history.body.messages.at(-1)).toMatchObject({ kind: "resolved", csat: false });
    expect((await kit.call(`/conversations/${conversationId}/rating`, { token, body: { rating: 5 } })).status).toBe(409);
  });
});
