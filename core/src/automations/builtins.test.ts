// The built-in automations through real channels: the acknowledgement over the API channel (HTTP in,
// signed webhook out), the out-of-hours notice, the FAQ with its escape hatch, and loop safety
// (mail auto-replies and bots trigger nothing).

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { automationFires, slaClocks } from "../store/schema.ts";
import { createTestAgent } from "../testing/index.ts";
import { type AutomationKit, automationKit, LEAST_BUSY_PLUGIN, SATURDAY_NOON, TUESDAY_10 } from "./fixtures.ts";

let kit: AutomationKit;
afterEach(() => kit?.close());

describe("built-in automations", () => {
  it("acknowledge a new conversation over the API channel with the SLA's response time, once", async () => {
    kit = await automationKit({}, TUESDAY_10);
    const created = await kit.post("cust-1", "Where is my order?");
    expect(created.status).toBe("stored");
    expect(kit.received).toEqual(["Thanks for your message! We usually answer within 30 minutes."]);
    await kit.post("cust-1", "It was order 42.");
    expect(kit.received).toHaveLength(1);
    const [ack] = (await kit.timeline(created.conversation_id)).filter((m) => m.direction === "outgoing");
    expect(ack).toMatchObject({ authorAgentId: null, metadata: { automation: "acknowledgement" }, deliveryStatus: "sent" });
    const [firstResponse] = await kit.harness.switchboard.store.db
      .select()
      .from(slaClocks)
      .where(eq(slaClocks.conversationId, created.conversation_id));
    expect(firstResponse).toMatchObject({ target: "first_response", stoppedAt: null }); // an automation is no answer for the SLA
  });

  it("send the out-of-hours notice outside business hours, once per conversation, and no acknowledgement", async () => {
    kit = await automationKit({}, SATURDAY_NOON);
    const id = await kit.write("grace", "Hello?");
    await kit.write("grace", "Anyone there?");
    expect(kit.sentTexts()).toEqual([
      "Thanks for your message. We are closed right now and will answer when we are back: Monday 6 January, 09:00 (UTC).",
    ]);
    expect(
      await kit.harness.switchboard.store.db.select().from(automationFires).where(eq(automationFires.conversationId, id)),
    ).toMatchObject([{ rule: "out_of_hours" }]);
  });

  it("can each be switched off", async () => {
    kit = await automationKit({ acknowledgement: { enabled: false }, out_of_hours: { enabled: false } }, TUESDAY_10);
    await kit.write("grace", "Hello");
    kit.harness.clock.set(SATURDAY_NOON + 7 * 86_400_000);
    await kit.write("ada", "Hello");
    expect(kit.sentTexts()).toEqual([]);
  });

  it("answer FAQs with the escape hatch, and hand over at once with high priority on 'agent'", async () => {
    const faq = {
      entries: [
        { keywords: ["opening hours", "when are you open"], answer: "We are open 9 to 5, Monday to Friday." },
        { pattern: "\\breturns?\\b", answer: "Returns are free within 30 days." },
      ],
    };
    kit = await automationKit({ faq, acknowledgement: { enabled: false } }, TUESDAY_10, {
      plugins: { lb: { package: LEAST_BUSY_PLUGIN } },
      routing: ["lb"],
    });
    const id = await kit.write("grace", "Hi! When are you open on Fridays?");
    expect(kit.sentTexts()).toEqual(["We are open 9 to 5, Monday to Friday.\n\nReply 'agent' to talk to a person."]);
    await kit.write("grace", "And what about returns?");
    expect(kit.sentTexts()[1]).toBe("Returns are free within 30 days.\n\nReply 'agent' to talk to a person.");
    expect((await kit.conversation(id)).assigneeId).toBeNull();

    const ann = await createTestAgent(kit.harness, { name: "Ann", availability: "online", capacity: 0 }); // at capacity: routing skips her
    const bob = await createTestAgent(kit.harness, { name: "Bob", availability: "online" });
    await kit.write("grace", "Agent!");
    const handed = await kit.conversation(id);
    expect(handed).toMatchObject({ priority: "high", assigneeId: bob.id });
    expect(ann.id).not.toBe(bob.id);
    expect(kit.sentTexts()[2]).toBe("Thanks! A person will take it from here.");
    const notes = (await kit.timeline(id)).filter((m) => m.direction === "note").map((m) => m.text);
    expect(notes).toContain("The customer asked for a person; the FAQ bot stopped answering here.");

    await kit.write("grace", "Also, when are you open on Saturdays?");
    expect(kit.sentTexts()).toHaveLength(3); // a person is in charge now: the bot stays quiet
  });

  it("hand over on a request for a person in a whole sentence, in English, German and a configured language", async () => {
    const faq = {
      entries: [{ keywords: ["agent"], answer: "Our agents work 9 to 5." }],
      handover_phrases: { fr: ["parler à|avec * humain|conseiller|personne"] },
    };
    kit = await automationKit({ faq, acknowledgement: { enabled: false } }, TUESDAY_10);
    const handedOver = async (contact: string, text: string) => {
      const id = await kit.write(contact, text);
      return (await kit.conversation(id)).priority === "high" && kit.sentTexts().at(-1) === "Thanks! A person will take it from here.";
    };
    expect(await handedOver("c1", "I want to talk to a human")).toBe(true);
    expect(await handedOver("c2", "Can I please speak to an agent now?")).toBe(true);
    expect(await handedOver("c3", "Agent please!")).toBe(true);
    expect(await handedOver("c4", "Kann ich bitte mit einem Mitarbeiter sprechen?")).toBe(true);
    expect(await handedOver("c5", "Ich möchte mit einem echten Menschen reden.")).toBe(true);
    expect(await handedOver("c6", "Je voudrais parler à un conseiller.")).toBe(true);
    expect(await handedOver("c7", "Which agent handles refunds for orders placed last year?")).toBe(false);
    expect(kit.sentTexts().at(-1)).toBe("Our agents work 9 to 5.\n\nReply 'agent' to talk to a person.");
  });

  it("send no acknowledgement after an agent's reply: an agent who answers at once is not followed by 'we will answer soon'", async () => {
    kit = await automationKit({}, TUESDAY_10);
    const ann = await createTestAgent(kit.harness, { name: "Ann", availability: "online" });
    const stored = await kit.harness.inject({ externalId: "fast-1", contact: { externalId: "grace" }, text: "Where is my order?" });
    if (stored.status !== "stored") throw new Error(stored.status);
    // The agent answers while the automations are still reading the conversation (before the bus is idle).
    await kit.harness.switchboard.outbound.reply({
      conversationId: stored.conversationId,
      agentId: ann.id,
      text: "Hi Grace, it ships today.",
    });
    await kit.harness.drain();
    const outgoing = (await kit.timeline(stored.conversationId)).filter((m) => m.direction === "outgoing");
    const agentReply = outgoing.findIndex((m) => m.authorAgentId === ann.id);
    const acknowledgement = outgoing.findIndex((m) => m.metadata.automation === "acknowledgement");
    expect(agentReply).toBeGreaterThanOrEqual(0);
    expect(acknowledgement === -1 || acknowledgement < agentReply, outgoing.map((m) => m.text).join(" | ")).toBe(true);
  });

  it("never answer a mail auto-reply or a bot, and start no SLA clock for them", async () => {
    kit = await automationKit({ faq: { entries: [{ keywords: ["out of office"], answer: "Noted." }] } }, TUESDAY_10);
    const ooo = await kit.write("grace@example.com", "I am out of office until Monday.", {
      autoReply: true,
      email: { autoReply: "Auto-Submitted: auto-replied" },
    });
    const bot = await kit.write("some-bot", "Beep. When are you open?", { bot: true });
    kit.harness.clock.set(SATURDAY_NOON + 7 * 86_400_000);
    await kit.write("grace@example.com", "Still out of office.", { autoReply: true });
    expect(kit.sentTexts()).toEqual([]);
    const { db } = kit.harness.switchboard.store;
    expect(await db.select().from(automationFires)).toEqual([]);
    expect(await db.select().from(slaClocks).where(eq(slaClocks.conversationId, ooo))).toEqual([]);
    expect(await db.select().from(slaClocks).where(eq(slaClocks.conversationId, bot))).toEqual([]);
  });
});
