// WhatsApp's 24-hour customer-service window through core's reply window, at its edges: free text
// until exactly 24 hours after the customer's last message, then a 422 and the composer's template
// picker with the approved templates of message_templates (cached; a template webhook clears the
// cache), variables filled from the contact; template sends in the Cloud API's shape (positional
// and named); a contact who never wrote on WhatsApp reached by their phone with a template only;
// the follow-up automation as a configured template.
import { createTestAgent, signInAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { delivery, message, WABA_ID } from "../test-support/fake.ts";
import { startWhatsAppInbox, type WhatsAppInbox } from "../test-support/kit.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

let inbox: WhatsAppInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function setup(options: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  inbox = await startWhatsAppInbox(options, { now: T0, config });
  const i = inbox;
  const agent = await createTestAgent(i.harness, { name: "Alice" });
  const { cookie, csrf } = await signInAgent(i.harness.request, agent.email, "correct-horse-battery");
  const page = async (id: number) => (await i.harness.request(`/inbox/conversations/${id}`, { headers: { Cookie: cookie } })).text();
  const form = (id: number, fields: Record<string, string>) =>
    i.harness.request(`/inbox/conversations/${id}/messages`, {
      method: "POST",
      headers: { Cookie: cookie },
      body: new URLSearchParams({ ...fields, _csrf: csrf }),
    });
  const api = (id: number, body: unknown) =>
    i.harness.request(`/api/v1/conversations/${id}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  return { inbox: i, page, form, api };
}

async function customerWrites(i: WhatsAppInbox, text: string) {
  await i.deliver(message("text", { body: text }, { timestamp: i.harness.clock.now() }));
  const [conversation] = await i.harness.switchboard.store.db
    .select()
    .from(tables.conversations)
    .where(eq(tables.conversations.inbox, "wa"));
  return conversation!.id;
}

/** The Cloud API's `template` of an order_update send to Ada. */
const orderUpdate = (order: string) => ({
  name: "order_update",
  language: { code: "en_US" },
  components: [
    {
      type: "body",
      parameters: [
        { type: "text", text: "Ada" },
        { type: "text", text: order },
      ],
    },
  ],
});

const templateCalls = (i: WhatsAppInbox) => i.wa.graph.callsTo(`GET /${WABA_ID}/message_templates`).length;

describe("the 24-hour window", () => {
  it("sends free text until exactly 24 hours after the customer's message, then only templates, filled from the contact", async () => {
    const { inbox, page, form, api } = await setup();
    const id = await customerWrites(inbox, "Where is my parcel?");
    inbox.harness.clock.advance(DAY - 1);
    expect(await page(id)).toContain("Reply window: less than a minute left.");
    expect((await api(id, { text: "Checking now" })).status).toBe(201);
    await inbox.harness.drain();

    inbox.harness.clock.advance(1);
    const refused = await api(id, { text: "Still there?" });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("SWB_ERR_REPLY_WINDOW_CLOSED");
    const closed = await page(id);
    expect(closed).toContain("The reply window closed: only an approved template may be sent.");
    expect(closed).toContain('name="template" value="order_update"');
    expect(closed).toContain('name="var.1" value="Ada"');
    expect(closed).toContain('name="var.2" value="" required="" placeholder="#1234"');
    expect(closed).toContain('name="template" value="welcome_back"');
    expect(closed).toContain('name="var.first_name" value="Ada"');
    expect(closed).not.toContain("pending_review"); // not approved
    expect(closed).not.toContain("media_header"); // a media header the composer cannot fill

    expect(
      (
        await form(id, {
          kind: "reply",
          text: "",
          inbox: "wa",
          template: "order_update",
          language: "en_US",
          "var.1": "Ada",
          "var.2": "#77",
        })
      ).status,
    ).toBe(303);
    expect((await api(id, { template: { name: "welcome_back", variables: { code: "ÄÖÜ-9" } } })).status).toBe(201);
    await inbox.harness.drain();
    const sends = inbox.wa.sends();
    expect(sends.map((s) => s.type)).toEqual(["text", "template", "template"]);
    expect(sends[1]!.template).toEqual(orderUpdate("#77"));
    expect(sends[2]!.template).toEqual({
      name: "welcome_back",
      language: { code: "de" },
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", parameter_name: "first_name", text: "Ada" },
            { type: "text", parameter_name: "code", text: "ÄÖÜ-9" },
          ],
        },
      ],
    });
    const texts = await inbox.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.direction, "outgoing"));
    expect(texts.map((m) => [m.text, m.deliveryStatus])).toEqual([
      ["Checking now", "sent"],
      ["Your order\nHi Ada, your order #77 has shipped.", "sent"],
      ["Hallo Ada, schön dass Sie da sind! Ihr Code: ÄÖÜ-9", "sent"],
    ]);
  });

  it("reopens the window when the customer writes again", async () => {
    const { inbox, api } = await setup();
    const id = await customerWrites(inbox, "Hi");
    inbox.harness.clock.advance(3 * DAY);
    expect((await api(id, { text: "Hello?" })).status).toBe(422);
    await customerWrites(inbox, "I'm back");
    expect((await api(id, { text: "Welcome back" })).status).toBe(201);
  });

  it("reminds the assignee an hour before the window closes, with remind_before_minutes", async () => {
    const { inbox } = await setup({ remind_before_minutes: 60 });
    // Meta's timestamp is 30 s before the message reached us: the reminder still comes (the window counts from arrival).
    await inbox.deliver(message("text", { body: "Can someone call me back?" }, { timestamp: T0 - 30_000 }));
    const [conversation] = await inbox.harness.switchboard.store.db.select().from(tables.conversations);
    const id = conversation!.id;
    const agent = await createTestAgent(inbox.harness, { name: "Rita", role: "admin" });
    const assign = await inbox.harness.request(`/api/v1/conversations/${id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ assignee_id: agent.id }),
    });
    expect(assign.status).toBe(200);
    const notes = async () =>
      (await inbox.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.direction, "note"))).map((m) => [
        m.text,
        m.metadata.mentions,
      ]);
    inbox.harness.clock.advance(23 * HOUR - 1_000);
    await inbox.harness.drain();
    expect(await notes()).toEqual([]);
    inbox.harness.clock.advance(1_000);
    await inbox.harness.drain();
    expect(await notes()).toEqual([
      ["The reply window on wa closes in 1 h 0 min. After that, only what the channel allows after its window may be sent.", [agent.id]],
    ]);
  });

  it("caches the templates, and forgets them when Meta reports a template change", async () => {
    const { inbox, page } = await setup();
    const id = await customerWrites(inbox, "Hi");
    inbox.harness.clock.advance(DAY);
    await page(id);
    await page(id);
    expect(templateCalls(inbox)).toBe(1);
    const change = delivery({});
    change.entry[0]!.changes[0] = {
      field: "message_template_status_update",
      value: {
        event: "APPROVED",
        message_template_id: 2,
        message_template_name: "welcome_back",
        message_template_language: "de",
        reason: "NONE",
      },
    } as never;
    expect((await inbox.deliver(change)).status).toBe(200);
    await page(id);
    expect(templateCalls(inbox)).toBe(2);
  });

  it("reaches a contact who never wrote on WhatsApp at their phone, with templates only", async () => {
    const { inbox, api } = await setup();
    const stored = await inbox.harness.inject({
      externalId: "e1",
      contact: { externalId: "web-7", name: "Bo Smith", phone: "+44 20 7946 0958" },
      text: "Call me",
    });
    if (stored.status !== "stored") throw new Error(stored.status);
    const free = await api(stored.conversationId, { text: "Hi Bo", inbox: "wa" });
    expect(free.status).toBe(422);
    expect(await free.text()).toContain("The customer has not written on wa yet: only an approved template may be sent.");
    expect((await api(stored.conversationId, { inbox: "wa", template: { name: "order_update", variables: { "2": "#5" } } })).status).toBe(
      201,
    );
    await inbox.harness.drain();
    expect(inbox.wa.sends().map((s) => [s.to, s.type])).toEqual([["442079460958", "template"]]);
  });

  it("sends the follow-up automation as the configured template once the window has closed", async () => {
    const { inbox } = await setup(
      { automation_templates: { follow_up: "order_update" }, template_fills: { "1": "first_name", "order_update.2": "attributes.order" } },
      {
        automations: {
          enabled: true,
          acknowledgement: { enabled: false },
          csat: { enabled: false },
          follow_up: { enabled: true, after_hours: 48 },
        },
      },
    );
    const id = await customerWrites(inbox, "Thanks!");
    const [conversation] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.conversations)
      .where(eq(tables.conversations.id, id));
    await inbox.harness.switchboard.store.write((tx) =>
      tx
        .update(tables.contacts)
        .set({ attributes: { order: "#9" } })
        .where(eq(tables.contacts.id, conversation!.contactId)),
    );
    const resolved = await inbox.harness.request(`/api/v1/conversations/${id}`, {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${(await createTestAgent(inbox.harness, { name: "Root", role: "admin" })).token}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ status: "resolved" }),
    });
    expect(resolved.status).toBe(200);
    inbox.harness.clock.advance(48 * HOUR);
    await inbox.harness.drain();
    expect(inbox.wa.sends().map((s) => s.template)).toEqual([orderUpdate("#9")]);
  });
});
