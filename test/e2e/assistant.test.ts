/**
 * End to end, in headless Chromium: the assistant bar of issue 19.4, backed by assistant-openai and
 * a fake OpenAI-compatible server on loopback. The suggestions strip fills as the conversation
 * opens and 1 inserts a suggestion (marked as assistant text); d streams a draft into the reply
 * box; t shows the customer's message in the agent's language with the original one click away;
 * Alt+T previews the reply in the customer's language and sends it; w rewrites for the channel; u
 * summarises (and axe finds no violation in the bar); the ? overlay lists the shortcuts; a failing model leaves the composer working.
 */

import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { assistantSuggestions } from "../../core/src/store/schema.ts";
import { type FakeOpenAI, lastUserText, startFakeOpenAI } from "../../plugins/assistant-openai/test-support/fake-openai.ts";
import { axeViolations } from "./axe.ts";
import { launchBrowser, type TestBrowser, useSession, waitForLive } from "./browser.ts";
import { type E2EServer, startServer } from "./server.ts";

const PLUGIN = new URL("../../plugins/assistant-openai/src/index.ts", import.meta.url).pathname;
const LOCAL = new URL("../../plugins/assistant-local/src/index.ts", import.meta.url).pathname;

let ai: FakeOpenAI;
let server: E2EServer;
let chrome: TestBrowser;
let page: Page;

/** The fake model: answers by what each prompt asks. */
function likeAModel(fake: FakeOpenAI) {
  fake.answer = (request) => {
    const system = request.messages[0]!.content;
    const user = lastUserText(request);
    if (system.startsWith("Translate")) {
      if (user.startsWith("Wo ist")) return { text: "Where is my parcel?" };
      return { text: "Ihr Paket ist unterwegs." };
    }
    if (system.startsWith("Name the language")) return { text: "de" };
    if (system.startsWith("Summarise")) return { text: "The customer is waiting for a parcel." };
    if (system.startsWith("Rewrite")) return { text: "Good news: your parcel is on its way!" };
    if (request.stream) return { chunks: ["Your parcel ", "left our warehouse ", "today."], chunkDelayMs: 30 };
    return { text: "Your parcel is on its way." };
  };
}

beforeAll(async () => {
  ai = startFakeOpenAI();
  likeAModel(ai);
  [server, chrome] = await Promise.all([
    startServer({
      plugins: {
        ai: {
          package: PLUGIN,
          options: { base_url: ai.baseUrl, model: "fake-model", inboxes: ["shop"], suggest_on_open: true, max_retries: 0 },
        },
        // The offline assistant detects each message's language (metadata.language).
        assistant: { package: LOCAL },
      },
    }),
    launchBrowser(),
  ]);
  ({ page } = await chrome.newPage());
  await useSession(page, server.url, await server.sessionFor("ada"));
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
  await ai?.stop();
});

afterEach(() => {
  likeAModel(ai);
  expect(chrome.errors).toEqual([]);
});

let seq = 0;
async function openNew(text: string) {
  const contact = `ai-${++seq}`;
  const stored = await server.customerWrites({ id: `${contact}-m1`, contact: { id: contact, name: `Customer ${seq}` }, text });
  await page.goto(`${server.url}/inbox/conversations/${stored.conversation_id}`);
  await waitForLive(page);
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  return stored;
}
const area = () => page.locator(".composer textarea");
const outcomes = async (conversationId: number) =>
  (await server.harness.switchboard.store.db.select().from(assistantSuggestions))
    .filter((r) => r.conversationId === conversationId)
    .map((r) => [r.kind, r.outcome]);

describe("the assistant bar", () => {
  test("the strip fills as the conversation opens; 1 inserts the suggestion, marked; sent as is, it is recorded as used", async () => {
    const conv = await openNew("Where is my parcel?");
    const suggestion = page.locator(".assist-strip [data-assist-insert]").first();
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toContain("Your parcel is on its way.");
    expect(await page.locator(".assist-strip .source").first().textContent()).toBe("Drafted by fake-model");
    await page.keyboard.press("1");
    expect(await area().inputValue()).toBe("Your parcel is on its way.");
    await page.locator("[data-assist-mark]:not([hidden])").waitFor();
    await area().press("Control+Enter");
    const hook = await server.receiver.waitFor((h) => h.json.message.conversation_id === conv.conversation_id);
    expect(hook.json.message.text).toBe("Your parcel is on its way.");
    await page.locator(".timeline .msg.outgoing .assist-badge", { hasText: "✦ Assistant · suggest" }).waitFor();
    expect(await page.locator("[data-assist-mark]").isHidden()).toBe(true);
    expect(await outcomes(conv.conversation_id)).toEqual([["suggest", "used"]]);
  });

  test("d streams a draft into the reply box; edited and sent, it is recorded as edited", async () => {
    const conv = await openNew("Any news on my parcel?");
    await page.locator(".assist-strip").waitFor();
    await page.keyboard.press("d");
    await page.waitForFunction(
      () => (document.querySelector(".composer textarea") as HTMLTextAreaElement).value === "Your parcel left our warehouse today.",
    );
    await page.locator("[data-assist-mark]:not([hidden])", { hasText: "A draft by assistant-openai" }).waitFor();
    await area().press("End");
    await area().pressSequentially(" Thanks!");
    await area().press("Control+Enter");
    const hook = await server.receiver.waitFor((h) => h.json.message.conversation_id === conv.conversation_id);
    expect(hook.json.message.text).toBe("Your parcel left our warehouse today. Thanks!");
    await page.locator(".timeline .msg.outgoing .assist-badge", { hasText: "draft, edited" }).waitFor();
    expect(await outcomes(conv.conversation_id)).toEqual([
      ["suggest", "ignored"],
      ["draft", "edited"],
    ]);
  });

  test("t shows the customer's German in English with the original one click away; Alt+T previews the reply in German and sends it", async () => {
    const conv = await openNew("Wo ist mein Paket?");
    await page.keyboard.press("t");
    const incoming = page.locator(".timeline .msg.incoming").last();
    await incoming.locator(".body", { hasText: "Where is my parcel?" }).waitFor();
    await incoming.locator("summary", { hasText: "Show the original" }).click();
    await incoming.locator("details .body", { hasText: "Wo ist mein Paket?" }).waitFor();

    await area().fill("Your parcel is on its way.");
    await area().press("Alt+KeyT");
    const preview = page.locator("[data-assist-preview]:not([hidden])");
    await preview.locator("blockquote", { hasText: "Ihr Paket ist unterwegs." }).waitFor();
    expect(await preview.locator("[data-preview-language]").textContent()).toBe("de");
    await area().press("Control+Enter");
    const hook = await server.receiver.waitFor((h) => h.json.message.conversation_id === conv.conversation_id);
    expect(hook.json.message.text).toBe("Ihr Paket ist unterwegs.");
    const sent = page.locator(".timeline .msg.outgoing").last();
    await sent.locator(".body", { hasText: "Ihr Paket ist unterwegs." }).first().waitFor();
    await sent.locator("summary", { hasText: "Show what the agent wrote" }).click();
    await sent.locator("details .body", { hasText: "Your parcel is on its way." }).waitFor();
  });

  test("a German message arriving while the conversation is open appears in English, its original one click away", async () => {
    await openNew("Hello, I have a question about my order.");
    await page.locator(".assist-strip, .assist-suggestions .hint").first().waitFor();
    await server.customerWrites({
      id: `ai-${seq}-m2`,
      contact: { id: `ai-${seq}` },
      text: "Wo ist mein Paket? Ich warte schon seit einer Woche darauf und niemand antwortet mir.",
    });
    const arrived = page.locator(".timeline .msg.incoming").last();
    await arrived.locator(".body", { hasText: "Where is my parcel?" }).first().waitFor();
    await arrived.locator(".assist-badge", { hasText: "translated into en" }).waitFor();
    await arrived.locator("summary", { hasText: "Show the original" }).click();
    await arrived.locator("details .body", { hasText: "Wo ist mein Paket?" }).waitFor();
    // The English message is left as it is.
    expect(await page.locator(".timeline .msg.incoming").first().locator(".assist-badge").count()).toBe(0);
  });

  test("w rewrites the reply for the channel, u summarises, and the ? overlay lists the shortcuts", async () => {
    await openNew("Is my parcel coming?");
    expect(await page.locator("[data-assist-action=rewrite]").textContent()).toBe("Rewrite for api");
    await area().fill("it's coming");
    await area().press("Alt+KeyW");
    await page.waitForFunction(
      () => (document.querySelector(".composer textarea") as HTMLTextAreaElement).value === "Good news: your parcel is on its way!",
    );
    await page.locator("[data-assist-mark]:not([hidden])", { hasText: "Rewritten for api" }).waitFor();
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    await page.keyboard.press("u");
    await page.locator("#assist-output .assist-output", { hasText: "The customer is waiting for a parcel." }).waitFor();
    expect(await page.locator("#assist-output .assist-badge").first().textContent()).toContain("✦ Assistant");
    // The bar with its strip, a summary and the mark on the reply box passes axe.
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press("?");
    const help = page.locator("#shortcuts");
    await help.waitFor();
    for (const line of [
      "Assistant: draft a reply",
      "Assistant: summarise",
      "Assistant: translate my reply (preview)",
      "Assistant: rewrite for the channel",
    ])
      expect(await help.textContent()).toContain(line);
    await page.keyboard.press("Escape");
  });

  test("a failing model never blocks the agent: the draft says so and the reply goes out by hand", async () => {
    ai.answer = () => ({ status: 500, error: "model crashed" });
    const conv = await openNew("Hello?");
    await page.locator(".assist-suggestions", { hasText: "No suggestions" }).waitFor();
    await page.keyboard.press("d");
    await page.locator("[data-assist-status]", { hasText: "could not answer" }).waitFor();
    expect(await area().inputValue()).toBe("");
    await area().fill("Hi! How can I help?");
    await area().press("Control+Enter");
    const hook = await server.receiver.waitFor((h) => h.json.message.conversation_id === conv.conversation_id);
    expect(hook.json.message.text).toBe("Hi! How can I help?");
  });
});
