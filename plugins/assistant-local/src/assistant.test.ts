// assistant-local through a real Switchboard (temporary libSQL file, the test channel, REST):
// past answers learnt from a seeded history (backfill) and from conversations resolved over REST
// rank the right answer first; articles are suggested with their source; summaries of a
// conversation and of a contact's history on other channels.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { seedHistory, TOPICS } from "../test-support/history.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness;
afterEach(async () => harness?.close());

const ask = (conversationId: number, ...texts: string[]) => ({
  conversationId,
  channel: "test",
  messages: texts.map((text, i) => ({ direction: "incoming", text, channel: "test", createdAt: i })),
});

async function start() {
  harness = await createTestHarness({ plugins: { assistant: { package: PLUGIN } } });
  return harness;
}

describe("reply suggestions", () => {
  it("rank the right past answer first, from a history resolved before the plugin ran", async () => {
    await start();
    const ann = await createTestAgent(harness, { name: "Ann" });
    const byTopic = await seedHistory(harness.switchboard.store, { count: 80, agentId: ann.id, inbox: "test", channel: "test" });
    await harness.drain(); // the backfill job learns them
    const questions: Record<string, string> = {
      "refund-status": "hi, my refund still has not arrived, order A-99",
      "refund-policy": "is it possible to return sale products?",
      password: "the reset email for my password does not arrive",
      "shipping-time": "how many days does delivery to Austria take",
      "damaged": "the zip was broken when the parcel arrived",
      "address-change": "please change the address for my order",
    };
    for (const [topic, question] of Object.entries(questions)) {
      const answer = await harness.switchboard.assistants.run("suggestions", ask(0, question));
      const [first] = answer?.value ?? [];
      expect(first?.text, question).toBe(TOPICS.find((t) => t.name === topic)!.answer);
      expect(first?.source.kind).toBe("conversation");
      const from = first?.source.kind === "conversation" ? first.source.conversationId : 0;
      expect(byTopic.get(topic)).toContain(from);
      expect(first?.label).toBe(`Answered for #${from}`);
      // The same answer given ten times is suggested once.
      expect(new Set(answer!.value.map((s) => s.text)).size).toBe(answer!.value.length);
    }
    expect(await harness.switchboard.assistants.run("suggestions", ask(0, "the weather is nice today"))).toBeNull();
  });

  it("learn a conversation resolved over REST, never suggest from the conversation itself, and suggest articles with their source", async () => {
    await start();
    const ann = await createTestAgent(harness, { name: "Ann", role: "admin" });
    const api = (method: string, path: string, body: unknown) =>
      harness.request(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${ann.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const stored = await harness.inject({
      externalId: "q1",
      contact: { externalId: "grace" },
      text: "Does the blue kettle work with 110 volt?",
    });
    if (stored.status !== "stored") throw new Error(stored.status);
    expect(
      (await api("POST", `/conversations/${stored.conversationId}/messages`, { text: "Yes, the blue kettle works from 100 to 240 volt." }))
        .status,
    ).toBe(201);
    expect((await api("PATCH", `/conversations/${stored.conversationId}`, { status: "resolved" })).status).toBe(200);
    await harness.drain();
    expect(await harness.switchboard.assistants.run("suggestions", ask(stored.conversationId, "kettle 110 volt?"))).toBeNull();
    const learnt = await harness.switchboard.assistants.run("suggestions", ask(999, "Will the kettle run on 110 volt in the US?"));
    expect(learnt?.value[0]).toMatchObject({
      text: "Yes, the blue kettle works from 100 to 240 volt.",
      label: `Answered for #${stored.conversationId}`,
    });

    expect(
      (
        await api("POST", "/knowledge/articles", {
          title: "Kettle voltage",
          body: "All our **kettles** run on 100 to 240 volt.",
          status: "published",
        })
      ).status,
    ).toBe(201);
    const both = await harness.switchboard.assistants.run("suggestions", ask(999, "Will the kettle run on 110 volt in the US?"));
    expect(both?.plugin).toBe("assistant-local");
    expect(both?.value.map((s) => s.label).sort()).toEqual(["Answered for #" + stored.conversationId, "Article: Kettle voltage"].sort());
    const article = both?.value.find((s) => s.source.kind === "article");
    expect(article?.text).toBe("All our kettles run on 100 to 240 volt.");
    const texts = await harness.switchboard.assistants.run("suggest", ask(999, "kettle 110 volt"));
    expect(texts?.value).toHaveLength(2);
  });
});

describe("summaries", () => {
  it("summarise a conversation and a contact's other conversations across channels", async () => {
    await start();
    const summary = await harness.switchboard.assistants.run("summarize", {
      conversationId: 1,
      channel: "test",
      messages: [
        {
          direction: "incoming",
          text: "Hello. The invoice A-1001 shows the wrong amount. I was charged twice for shipping.",
          channel: "test",
          createdAt: 1,
        },
        {
          direction: "outgoing",
          text: "Sorry! I have refunded the extra 9.99 EUR for shipping to your card.",
          channel: "test",
          createdAt: 2,
        },
        { direction: "incoming", text: "Thanks, when will the shipping refund show?", channel: "test", createdAt: 3 },
      ],
    });
    expect(summary?.value).toBe(
      [
        "The customer: The invoice A-1001 shows the wrong amount. Thanks, when will the shipping refund show?",
        "The agent: I have refunded the extra 9.99 EUR for shipping to your card.",
        "Mentioned: A-1001",
        "Last: the customer wrote, waiting for an answer.",
      ].join("\n"),
    );

    const { store } = harness.switchboard;
    const ids = await store.write(async (tx) => {
      const [contact] = await tx.insert(tables.contacts).values({ name: "Grace" }).returning();
      const conversation = async (channel: string, createdAt: number, text: string) => {
        const [c] = await tx
          .insert(tables.conversations)
          .values({ contactId: contact!.id, inbox: "test", channel, status: "resolved", createdAt, updatedAt: createdAt })
          .returning();
        await tx
          .insert(tables.messages)
          .values({ conversationId: c!.id, contactId: contact!.id, inbox: "test", channel, direction: "incoming", text, createdAt });
        return c!.id;
      };
      return {
        contact: contact!.id,
        telegram: await conversation("telegram", Date.UTC(2026, 2, 3), "Hi! I was charged twice for invoice A-1001."),
        email: await conversation("email", Date.UTC(2026, 3, 9), "My password reset link does not work."),
        now: await conversation("webchat", Date.UTC(2026, 3, 10), "Hello again"),
      };
    });
    const history = await harness.switchboard.assistants.run("summarizeContact", {
      conversationId: ids.now,
      channel: "webchat",
      contact: { id: ids.contact, name: "Grace", facts: {} },
      messages: [],
    });
    expect(history?.value).toBe(
      `Previously: on email (#${ids.email}, 9 Apr 2026), asked "My password reset link does not work"; ` +
        `on Telegram (#${ids.telegram}, 3 Mar 2026), asked "I was charged twice for invoice A-1001".`,
    );
  });
});
