// Following core's events about people: a GDPR erasure makes the inbox forget the contact's
// visitors (log, files, ratings) and drop their live connections, leaving everyone else alone;
// and the widget is offline while no agent who may answer in the inbox is online (read from ctx.agents).

import { json, tables } from "@switchboard/core/testing";
import { and, eq, like } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../../../core/src/auth/agents.ts";
import { eraseContact } from "../../../core/src/contacts/erase.ts";
import { SYSTEM_ACTOR, updateConversation } from "../../../core/src/conversations/update.ts";
import { signIn } from "../../../core/src/inbox/fixtures.ts";
import { type Kit, newClientId, startKit } from "../test-support/kit.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");

async function keysOf(k: Kit, visitorId: string): Promise<string[]> {
  const rows = await k.harness.switchboard.store.db
    .select()
    .from(tables.pluginKv)
    .where(and(eq(tables.pluginKv.plugin, "inbox:site"), like(tables.pluginKv.key, `%${visitorId}%`)));
  return rows.map((r) => r.key);
}

describe("contact.erased", () => {
  it("forgets the erased contact's visitors and closes their streams, and keeps everyone else", async () => {
    kit = await startKit();
    const [ann, ben] = [await kit.visitor(), await kit.visitor()];
    const sent = await json<{ message: { conversation_id: number } }>(
      kit.call("/messages", {
        token: ann,
        body: {
          client_id: newClientId(),
          text: "my address is 1 Main St",
          attachments: [{ filename: "id.png", content_type: "image/png", data: PNG }],
        },
      }),
    );
    const conversationId = sent.body.message.conversation_id;
    expect((await kit.say(ben, "unrelated")).status).toBe(201);
    await updateConversation(kit.harness.switchboard, SYSTEM_ACTOR, conversationId, { status: "resolved" });
    await kit.harness.drain();
    expect((await kit.call(`/conversations/${conversationId}/rating`, { token: ann, body: { rating: 5 } })).status).toBe(200);
    const annId = (await json<{ visitor: { id: string } }>(kit.call("/messages", { token: ann }))).body.visitor.id;
    expect((await keysOf(kit, annId)).length).toBeGreaterThanOrEqual(4); // entries, file, record
    const live = await kit.stream(ann);
    await live.waitFor((e) => e.event === "ready");

    const [conversation] = await kit.harness.switchboard.store.db
      .select()
      .from(tables.conversations)
      .where(eq(tables.conversations.id, conversationId));
    await eraseContact(kit.harness.switchboard, SYSTEM_ACTOR, conversation!.contactId);
    await kit.harness.drain();

    await live.ended;
    expect(await keysOf(kit, annId)).toEqual([]);
    const kv = await kit.harness.switchboard.store.db.select().from(tables.pluginKv).where(eq(tables.pluginKv.plugin, "inbox:site"));
    expect(kv.map((r) => r.key)).not.toContain(`csat:${conversationId}`);
    expect(kv.map((r) => r.key)).not.toContain(`c:${conversationId}`);
    expect((await json<{ messages: unknown[] }>(kit.call("/messages", { token: ann }))).body.messages).toEqual([]);
    expect((await json<{ messages: { text: string }[] }>(kit.call("/messages", { token: ben }))).body.messages.map((m) => m.text)).toEqual([
      "unrelated",
    ]);
  });
});

describe("agents' availability", () => {
  it("takes the widget offline while no agent of the inbox is online", async () => {
    kit = await startKit();
    const password = "correct-horse-battery";
    await createAgent(kit.harness.switchboard.store, { email: "ada@example.com", name: "Ada", role: "admin", password });
    const online = async () => (await json<{ online: boolean }>(kit!.call("/config"))).body.online;
    expect(await online()).toBe(false); // a new agent starts "offline"

    const ada = await signIn(kit.harness, "ada@example.com", password);
    expect((await ada.post("/inbox/me/availability", { availability: "online" }, { htmx: true })).status).toBe(200);
    await kit.harness.drain();
    expect(await online()).toBe(true);
    expect((await ada.post("/inbox/me/availability", { availability: "away" }, { htmx: true })).status).toBe(200);
    await kit.harness.drain();
    expect(await online()).toBe(false);
  });

  it("ignores agents with offline_when_no_agent_online = false", async () => {
    kit = await startKit({ offline_when_no_agent_online: false });
    expect((await json<{ online: boolean }>(kit.call("/config"))).body.online).toBe(true);
  });
});
