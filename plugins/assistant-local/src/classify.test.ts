// Language, sentiment and urgency of incoming messages, through a real Switchboard: stored on each
// message before routing (routing-skills sends German to the German speaker) and automations (a
// rule on urgent = true raises the priority), and shown on the message in the inbox timeline.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, type Harness, signInAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { classify } from "./classify.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const SKILLS = fileURLToPath(new URL("../../routing-skills/src/index.ts", import.meta.url));
let harness: Harness;
afterEach(async () => harness?.close());

describe("classify", () => {
  it("tells language, sentiment and urgency, and leaves the language out when the text is too short", () => {
    expect(classify("Wo ist meine Bestellung? Das ist dringend!")).toEqual({ language: "de", sentiment: "neutral", urgent: true });
    expect(classify("This is really frustrating, I was charged twice.")).toEqual({ language: "en", sentiment: "negative", urgent: false });
    expect(classify("Thank you, the new one works great and I love it!")).toMatchObject({ language: "en", sentiment: "positive" });
    expect(classify("¿Dónde está mi pedido? Lo necesito inmediatamente")).toEqual({ language: "es", sentiment: "neutral", urgent: true });
    expect(classify("ok")).not.toHaveProperty("language");
  });
});

describe("facts on incoming messages", () => {
  it("are stored on the message, route by language, trigger rules and show in the timeline", async () => {
    harness = await createTestHarness({
      plugins: { assistant: { package: PLUGIN }, skills: { package: SKILLS } },
      inboxes: { test: { plugin: "test-channel", routing: ["skills"] } },
      config: {
        automations: {
          enabled: true,
          acknowledgement: { enabled: false },
          out_of_hours: { enabled: false },
          rules: [
            { name: "urgent", on: "message.created", when: { urgent: true }, actions: [{ type: "set_priority", priority: "urgent" }] },
          ],
        },
      },
    });
    const anna = await createTestAgent(harness, { name: "Anna", availability: "online", skills: ["lang:de"] });
    await createTestAgent(harness, { name: "Ben", availability: "online", skills: ["lang:fr"] });

    const german = await harness.inject({
      externalId: "m1",
      contact: { externalId: "kunde" },
      text: "Meine Bestellung ist nicht angekommen, bitte sofort helfen!",
    });
    const english = await harness.inject({
      externalId: "m2",
      contact: { externalId: "client" },
      text: "Hi",
      metadata: { language: "fr" }, // the client's app language: kept, since "Hi" tells nothing
    });
    if (german.status !== "stored" || english.status !== "stored") throw new Error("not stored");
    await harness.drain();

    const message = async (id: number) =>
      (await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, id)))[0]!;
    expect((await message(german.messageId)).metadata).toMatchObject({ language: "de", sentiment: "neutral", urgent: true });
    expect((await message(english.messageId)).metadata).toMatchObject({ language: "fr", urgent: false });
    const conversation = async (id: number) =>
      (await harness.switchboard.store.db.select().from(tables.conversations).where(eq(tables.conversations.id, id)))[0]!;
    expect(await conversation(german.conversationId)).toMatchObject({ assigneeId: anna.id, priority: "urgent" });
    expect((await conversation(english.conversationId)).priority).not.toBe("urgent");

    const request = (path: string, init?: RequestInit) => harness.request(path, { ...init, redirect: "manual" });
    const { cookie } = await signInAgent(request, anna.email, "correct-horse-battery");
    const page = await (await harness.request(`/inbox/conversations/${german.conversationId}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('<span class="badge lang" title="Language: German"><abbr title="German">de</abbr></span>');
    expect(page).toContain(">urgent</span>");
  });
});
