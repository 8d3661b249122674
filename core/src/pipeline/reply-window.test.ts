// The reply window (ChannelAdapter.replyWindow), one rule for the composer, the outbound check, the
// delivery worker, the automations and the reminder, through a fixture channel that declares a
// 24-hour window followed by templates (WhatsApp's shape) or by a 7-day tag (Messenger's), tested at
// its edges through HTTP to the app and the stored rows.
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { signIn } from "../inbox/fixtures.ts";
import { createTestAgent, createTestHarness, type Harness, tables, writeFixturePlugin } from "../testing/index.ts";
import { windowAt } from "./reply-window.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const WINDOWED = writeFixturePlugin(
  `ctx.channel("windowed", { create: (inbox) => ({
    identityScope: "channel",
    replyWindow: {
      openForMs: 24 * 3600000,
      after: inbox.options.mode === "tag" ? [{ allow: "tag", tag: "HUMAN_AGENT", forMs: 7 * 86400000, label: "Human agent" }] : [{ allow: "templates" }],
      async templates() {
        return [{ name: "order_update", language: "en_US", category: "UTILITY", body: "Hi {{1}}, your order {{2}} has shipped.",
          variables: [{ key: "1", fill: "first_name" }, { key: "2", fill: "attributes.order", example: "#1234" }] }];
      },
      automationTemplates: inbox.options.followUpTemplate ? { follow_up: { name: "order_update" } } : undefined,
      remindBeforeMs: inbox.options.remindMs,
    },
    async send(target, message) {
      const what = message.template ? "template:" + message.template.name + ":" + message.template.variables.map((v) => v.key + "=" + v.value).join(",")
        : message.tag ? "tag:" + message.tag : "text";
      return { externalId: what + ":" + message.id };
    },
  }) });`,
  { name: "windowed-fixture" },
);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(options: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  harness = await createTestHarness({
    plugins: { windowed: { package: WINDOWED } },
    inboxes: { wa: { plugin: "windowed", options } },
    config,
  });
  const agent = await createTestAgent(harness, { name: "Alice" });
  const h = harness;
  const api = (path: string, method: string, body?: unknown) =>
    h.request(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const customer = async (text: string) => {
    const stored = await h.inject(
      { externalId: `in-${h.clock.now()}`, contact: { externalId: "15550001111", name: "Ada Lovelace" }, text },
      "wa",
    );
    if (stored.status !== "stored") throw new Error(stored.status);
    return stored;
  };
  const outgoing = () =>
    h.switchboard.store.db
      .select()
      .from(tables.messages)
      .where(and(eq(tables.messages.inbox, "wa"), eq(tables.messages.direction, "outgoing")))
      .orderBy(tables.messages.id);
  return { harness: h, agent, api, customer, outgoing };
}

describe("windowAt, at its edges", () => {
  const templates = { openForMs: DAY, after: [{ allow: "templates" as const }] };
  const tag = { openForMs: DAY, after: [{ allow: "tag" as const, tag: "HUMAN_AGENT", forMs: 7 * DAY }] };

  it("is open until exactly 24 hours after the customer's message, then templates only, for ever", () => {
    expect(windowAt(templates, 1_000, 1_000 + DAY - 1)).toEqual({ openedAt: 1_000, state: "open", closesAt: 1_000 + DAY });
    expect(windowAt(templates, 1_000, 1_000 + DAY)).toEqual({ openedAt: 1_000, state: "templates", closesAt: null });
    expect(windowAt(templates, null, 5)).toEqual({ openedAt: null, state: "templates", closesAt: null });
  });

  it("allows the tag for 7 days after the window, then nothing; never for a contact who never wrote", () => {
    expect(windowAt(tag, 0, DAY)).toEqual({ openedAt: 0, state: "tag", tag: "HUMAN_AGENT", label: "HUMAN_AGENT", closesAt: 8 * DAY });
    expect(windowAt(tag, 0, 8 * DAY - 1).state).toBe("tag");
    expect(windowAt(tag, 0, 8 * DAY)).toEqual({ openedAt: 0, state: "closed" });
    expect(windowAt(tag, null, 0)).toEqual({ openedAt: null, state: "closed" });
    expect(windowAt({ openForMs: DAY }, 0, DAY)).toEqual({ openedAt: 0, state: "closed" });
  });
});

describe("the reply window in the composer, the outbound check and delivery", () => {
  it("sends free text until the window closes, then refuses it with a 422 and sends only templates, filled from the contact", async () => {
    const { harness, agent, api, customer, outgoing } = await setup();
    const { conversationId, contactId } = await customer("Where is my order?");
    await harness.switchboard.store.db
      .update(tables.contacts)
      .set({ attributes: { order: "#A-17" } })
      .where(eq(tables.contacts.id, contactId));
    const browser = await signIn(harness, agent.email, "correct-horse-battery");

    harness.clock.advance(DAY - 60_001);
    expect(await (await browser.get(`/inbox/conversations/${conversationId}`)).text()).toContain("Reply window: 1 min left.");
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "On its way" })).status).toBe(201);
    await harness.drain();

    harness.clock.advance(60_001);
    const refused = await api(`/conversations/${conversationId}/messages`, "POST", { text: "Too late" });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: "SWB_ERR_REPLY_WINDOW_CLOSED",
      message: "The reply window closed on wa: only an approved template may be sent. Pick one in the composer's template list.",
    });
    const page = await (await browser.get(`/inbox/conversations/${conversationId}`)).text();
    expect(page).toContain("The reply window closed: only an approved template may be sent.");
    expect(page).toContain('name="template" value="order_update"');
    expect(page).toContain('name="var.1" value="Ada"');
    expect(page).toContain('name="var.2" value="#A-17"');
    expect(page).toContain("Hi Ada, your order #A-17 has shipped.");

    const viaForm = await browser.post(`/inbox/conversations/${conversationId}/messages`, {
      text: "",
      kind: "reply",
      inbox: "wa",
      template: "order_update",
      language: "en_US",
      "var.1": "Ada",
      "var.2": "#B-2",
    });
    expect(viaForm.status).toBe(303);
    const unknown = await api(`/conversations/${conversationId}/messages`, "POST", { template: { name: "nope" } });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('has no approved template \\"nope\\". Pick one of: order_update (en_US).');
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { template: { name: "order_update" } })).status).toBe(201);
    // A note is never refused: it is not sent.
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Customer is away", private: true })).status).toBe(201);

    await harness.drain();
    const sent = await outgoing();
    expect(sent.map((m) => [m.text, m.deliveryStatus, m.externalId?.replace(/:\d+$/, "")])).toEqual([
      ["On its way", "sent", "text"],
      ["Hi Ada, your order #B-2 has shipped.", "sent", "template:order_update:1=Ada,2=#B-2"],
      ["Hi Ada, your order #A-17 has shipped.", "sent", "template:order_update:1=Ada,2=#A-17"],
    ]);
  });

  it("fails a reply queued inside the window but delivered after it closed, saying why, without calling the channel", async () => {
    const { harness, api, customer, outgoing } = await setup();
    const { conversationId } = await customer("Hello");
    harness.clock.advance(DAY - 1);
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Just in time?" })).status).toBe(201);
    harness.clock.advance(1);
    await harness.drain();
    const [message] = await outgoing();
    expect([message!.deliveryStatus, message!.externalId, message!.deliveryError]).toEqual([
      "failed",
      null,
      "The reply window closed on wa: only an approved template may be sent. Pick one in the composer's template list.",
    ]);
  });

  it("sends with the tag for 7 days after the window, then refuses everything; a new customer message reopens it", async () => {
    const { harness, api, customer, outgoing } = await setup({ mode: "tag" });
    const { conversationId } = await customer("Hello");
    harness.clock.advance(DAY);
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Tagged" })).status).toBe(201);
    await harness.drain();
    harness.clock.advance(7 * DAY - 1);
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Still tagged" })).status).toBe(201);
    await harness.drain();
    harness.clock.advance(1);
    const refused = await api(`/conversations/${conversationId}/messages`, "POST", { text: "Nope" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("nothing more may be sent there until they write again");
    await customer("I'm back");
    expect((await api(`/conversations/${conversationId}/messages`, "POST", { text: "Welcome back" })).status).toBe(201);
    await harness.drain();
    expect((await outgoing()).map((m) => m.externalId?.replace(/:\d+$/, ""))).toEqual(["tag:HUMAN_AGENT", "tag:HUMAN_AGENT", "text"]);
  });
});

describe("automations and the reminder outside the window", () => {
  const automations = (after_hours: number) => ({
    automations: {
      enabled: true,
      acknowledgement: { enabled: false },
      out_of_hours: { enabled: false },
      csat: { enabled: false },
      follow_up: { enabled: true, after_hours },
    },
  });

  it("sends the follow-up as the configured template once the window has closed", async () => {
    const { harness, api, customer, outgoing } = await setup({ followUpTemplate: true }, automations(30));
    const { conversationId, contactId } = await customer("Thanks, solved");
    await harness.switchboard.store.db
      .update(tables.contacts)
      .set({ attributes: { order: "#C-3" } })
      .where(eq(tables.contacts.id, contactId));
    expect((await api(`/conversations/${conversationId}`, "PATCH", { status: "resolved" })).status).toBe(200);
    await harness.drain(); // the automations subscriber takes the resolution, and schedules the follow-up, now
    harness.clock.advance(30 * HOUR);
    await harness.drain();
    expect((await outgoing()).map((m) => [m.text, m.externalId?.replace(/:\d+$/, ""), m.metadata.automation])).toEqual([
      ["Hi Ada, your order #C-3 has shipped.", "template:order_update:1=Ada,2=#C-3", "follow_up"],
    ]);
  });

  it("skips it with a note in the timeline when no template is configured", async () => {
    const { harness, api, customer, outgoing } = await setup({}, automations(30));
    const { conversationId } = await customer("Thanks, solved");
    await api(`/conversations/${conversationId}`, "PATCH", { status: "resolved" });
    await harness.drain();
    harness.clock.advance(30 * HOUR);
    await harness.drain();
    expect(await outgoing()).toEqual([]);
    const notes = await harness.switchboard.store.db
      .select()
      .from(tables.messages)
      .where(and(eq(tables.messages.conversationId, conversationId), eq(tables.messages.direction, "note")));
    expect(notes.map((n) => n.text)).toEqual([
      'Automation follow_up was not sent: The reply window closed on wa, and no template is set for "follow_up" (the inbox\'s automation templates).',
    ]);
  });

  it("reminds the assignee before the window closes with a note that mentions them, once per customer message", async () => {
    const { harness, agent, api, customer } = await setup({ remindMs: HOUR });
    const { conversationId } = await customer("Hello");
    expect((await api(`/conversations/${conversationId}`, "PATCH", { assignee_id: agent.id })).status).toBe(200);
    harness.clock.advance(2 * HOUR);
    await customer("Anyone there?"); // moves the window, and the reminder with it
    harness.clock.advance(DAY - 2 * HOUR);
    await harness.drain();
    const notes = () =>
      harness.switchboard.store.db
        .select()
        .from(tables.messages)
        .where(and(eq(tables.messages.conversationId, conversationId), eq(tables.messages.direction, "note")));
    expect(await notes()).toEqual([]);
    harness.clock.advance(HOUR);
    await harness.drain();
    const [note] = await notes();
    expect(note!.text).toBe(
      "The reply window on wa closes in 1 h 0 min. After that, only what the channel allows after its window may be sent.",
    );
    expect(note!.metadata).toEqual({ replyWindow: "reminder", mentions: [agent.id] });
    const mentioned = await harness.switchboard.store.db
      .select()
      .from(tables.domainEvents)
      .where(eq(tables.domainEvents.name, "agent.mentioned"));
    expect(mentioned.map((e) => JSON.parse(e.data))).toEqual([{ agentId: agent.id, conversationId, messageId: note!.id, byAgentId: null }]);
    harness.clock.advance(HOUR);
    await harness.drain();
    expect(await notes()).toHaveLength(1);
  });
});
