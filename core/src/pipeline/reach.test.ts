// Reaching a contact on another inbox without an identity there (ChannelAdapter.reachesBy), through
// the inbox page, its reply form and the REST API: a channel that reaches contacts by phone is
// offered and delivers for a contact who has a phone number on their record, and is neither
// offered nor accepted (422, saying why) for one who has none.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { signIn } from "../inbox/fixtures.ts";
import { createTestAgent, createTestHarness, type Harness, tables, writeFixturePlugin } from "../testing/index.ts";

const SMS = writeFixturePlugin(
  `ctx.channel("sms", { create: () => ({
    reachesBy: ["phone"],
    async send(target, message) { return { externalId: "sms:" + (target.contact.externalId ?? "no-identity") + ":" + target.contact.phone + ":" + message.id }; },
  }) });`,
  { name: "sms-fixture" },
);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup() {
  harness = await createTestHarness({ plugins: { sms: { package: SMS } }, inboxes: { texts: { plugin: "sms" } } });
  const agent = await createTestAgent(harness, { name: "Alice" });
  const browser = await signIn(harness, agent.email, "correct-horse-battery");
  const reply = (conversationId: number, body: Record<string, unknown>) =>
    harness!.request(`/api/v1/conversations/${conversationId}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  return { harness, browser, reply };
}

/** Injects a customer message into the "test" inbox; resolves with its stored ids. */
async function chat(h: Harness, contact: { externalId: string; name: string; email?: string; phone?: string }, text: string) {
  const stored = await h.inject({ externalId: `${contact.externalId}-${text}`, contact, text });
  if ("reason" in stored) throw new Error(`dropped: ${stored.reason}`);
  return stored;
}

const offersTexts = (page: string) => /<option value="texts"/.test(page);

describe("reaching a contact by a field of their record", () => {
  it("offers and sends on a reachesBy inbox when the contact has that field, handing the adapter the phone number", async () => {
    const { harness, browser, reply } = await setup();
    const ann = await chat(harness, { externalId: "u1", name: "Ann", phone: "+1 (415) 555-0123" }, "Call me maybe");
    expect(await harness.switchboard.store.db.select().from(tables.identities).where(eq(tables.identities.channel, "sms"))).toEqual([]);
    expect(offersTexts(await (await browser.get(`/inbox/conversations/${ann.conversationId}`)).text())).toBe(true);

    const viaForm = await browser.post(`/inbox/conversations/${ann.conversationId}/messages`, {
      text: "By form",
      kind: "reply",
      inbox: "texts",
    });
    expect(viaForm.status).toBe(303);
    const viaApi = await reply(ann.conversationId, { text: "By API", inbox: "texts" });
    expect(viaApi.status).toBe(201);
    await harness.drain();
    const sent = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.inbox, "texts"));
    expect(sent.map((m) => [m.text, m.conversationId, m.deliveryStatus, m.externalId])).toEqual([
      ["By form", ann.conversationId, "sent", `sms:no-identity:+14155550123:${sent[0]!.id}`],
      ["By API", ann.conversationId, "sent", `sms:no-identity:+14155550123:${sent[1]!.id}`],
    ]);
  });

  it("neither offers nor accepts it for a contact without that field, and says why", async () => {
    const { harness, browser, reply } = await setup();
    const bo = await chat(harness, { externalId: "u2", name: "Bo", email: "bo@example.com" }, "Hello");
    expect(offersTexts(await (await browser.get(`/inbox/conversations/${bo.conversationId}`)).text())).toBe(false);

    const refused = await reply(bo.conversationId, { text: "Hi", inbox: "texts" });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'The contact has no sms identity and no phone number, so the inbox "texts" cannot reach them. Add a phone number to the contact, or reply on another inbox.',
    );
    const viaForm = await browser.post(
      `/inbox/conversations/${bo.conversationId}/messages`,
      { text: "Hi", kind: "reply", inbox: "texts" },
      { htmx: true },
    );
    expect(viaForm.status).toBe(422);
    expect(await viaForm.text()).toContain("no sms identity and no phone number");
    expect(await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.inbox, "texts"))).toEqual([]);
  });
});
