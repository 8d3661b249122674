// The inbox's assistant routes over HTTP with a signed-in agent, backed by assistant-openai and a
// fake OpenAI-compatible server on loopback: the suggestions strip (recorded as shown), a draft
// streamed as Server-Sent Events and grounded in a knowledge-base article (cited for the agent),
// the translation round trip (a German question shown in English with its original kept, the
// English answer previewed and sent in German with the agent's words kept), tone rewrite, the
// record of each suggestion (used, edited, ignored), redaction, bad input (422) and an assistant
// that fails without ever blocking a reply.
import { fileURLToPath } from "node:url";
import { createTestAgent, createTestHarness, type Harness, signInAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createArticle } from "../core/src/knowledge/articles.ts";
import { type FakeOpenAI, lastUserText, startFakeOpenAI } from "../plugins/assistant-openai/test-support/fake-openai.ts";

const PLUGIN = fileURLToPath(new URL("../plugins/assistant-openai/src/index.ts", import.meta.url));
const LOCAL = fileURLToPath(new URL("../plugins/assistant-local/src/index.ts", import.meta.url));

let harness: Harness | undefined;
let ai: FakeOpenAI | undefined;
afterEach(async () => {
  await harness?.close();
  await ai?.stop();
  harness = undefined;
  ai = undefined;
});

const DICTIONARY: Record<string, string> = {
  // What the model receives: the address never leaves the machine.
  "Wo ist meine Rechnung? Schreiben Sie an [EMAIL_1]": "Where is my invoice? Write to [EMAIL_1]",
  "It was sent on Monday.": "Sie wurde am Montag verschickt.",
};

/** The fake model: translates from DICTIONARY, names German as the customer's language, drafts, summarises and rewrites. */
function answerLikeAModel(fake: FakeOpenAI) {
  fake.answer = (request) => {
    const system = request.messages[0]!.content;
    const user = lastUserText(request);
    if (system.startsWith("Translate")) return { text: DICTIONARY[user] ?? `(no translation of ${user})` };
    if (system.startsWith("Name the language")) return { text: "de" };
    if (system.startsWith("Summarise")) return { text: "The customer asks where invoice A-1001 is." };
    if (system.startsWith("Rewrite")) return { text: "Hi! Your invoice went out on Monday." };
    return { chunks: ["Your invoice ", "was emailed ", "on Monday."] };
  };
}

async function start(options: Record<string, unknown> = {}, extra: { local?: boolean } = {}) {
  ai = startFakeOpenAI();
  answerLikeAModel(ai);
  harness = await createTestHarness({
    plugins: {
      ...(extra.local ? { assistant: { package: LOCAL } } : {}),
      ai: { package: PLUGIN, options: { base_url: ai.baseUrl, model: "test-model", inboxes: ["test"], suggest_on_open: true, ...options } },
    },
  });
  const h = harness;
  const agent = await createTestAgent(h, { name: "Ada", email: "ada@example.com", role: "admin" });
  const { cookie, csrf } = await signInAgent((path, init) => h.request(path, init), "ada@example.com", "correct-horse-battery");
  const headers = { Cookie: cookie, "X-CSRF-Token": csrf, "Accept-Language": "en-GB,en;q=0.9", "HX-Request": "true" };
  const ingested = await h.inject({
    externalId: "q1",
    contact: { externalId: "u1", name: "Greta" },
    text: "Wo ist meine Rechnung? Schreiben Sie an ann@example.com",
  });
  if (ingested.status !== "stored") throw new Error(`the question was not stored: ${ingested.status}`);
  const stored = ingested;
  const id = stored.conversationId;
  const get = (path: string) => h.request(path, { headers });
  const post = (path: string, form: Record<string, string> = {}) =>
    h.request(path, { method: "POST", headers, body: new URLSearchParams(form) });
  const records = () =>
    h.switchboard.store.db
      .select({
        kind: tables.assistantSuggestions.kind,
        outcome: tables.assistantSuggestions.outcome,
        text: tables.assistantSuggestions.text,
      })
      .from(tables.assistantSuggestions)
      .orderBy(tables.assistantSuggestions.id);
  const message = async (messageId: number) =>
    (await h.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, messageId)))[0]!;
  return { h, fake: ai, agent, id, stored, get, post, records, message, base: `/inbox/conversations/${id}/assist` };
}

/** Reads an SSE answer into its events. */
async function events(response: Response): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("event:"))
    .map((block) => ({
      event: /^event: ?(.*)$/m.exec(block)![1]!,
      data: JSON.parse(/^data: ?(.*)$/m.exec(block)![1]!) as Record<string, unknown>,
    }));
}

describe("the assistant in the inbox", () => {
  it("shows the assistant bar with its actions, and fills the suggestions strip, recorded once as shown", async () => {
    const { get, base, id, records } = await start();
    const page = await (await get(`/inbox/conversations/${id}`)).text();
    for (const action of ["draft", "summarize", "translate", "translate-reply", "rewrite"])
      expect(page).toContain(`data-assist-action="${action}"`);
    expect(page).toContain(`hx-get="${base}/suggestions"`);
    const strip = await (await get(`${base}/suggestions`)).text();
    expect(strip).toContain("Your invoice was emailed on Monday.");
    expect(strip).toContain("Drafted by test-model");
    await get(`${base}/suggestions`);
    expect(await records()).toEqual([{ kind: "suggest", outcome: "shown", text: "Your invoice was emailed on Monday." }]);
  });

  it("beside assistant-local: its article suggestion with its source and the model's draft share the strip, and the contact's earlier conversation is summarised", async () => {
    const { h, get, post, agent } = await start({}, { local: true });
    await createArticle(
      h.switchboard,
      { agentId: agent.id },
      { title: "Where invoices go", body: "Invoices are emailed every Monday.", tags: ["billing"], locale: "en", status: "published" },
    );
    const first = await h.inject({ externalId: "e1", contact: { externalId: "u2", name: "Eve" }, text: "Where is my invoice?" });
    if (first.status !== "stored") throw new Error("not stored");
    const strip = await (await get(`/inbox/conversations/${first.conversationId}/assist/suggestions`)).text();
    expect(strip).toContain("Article: Where invoices go");
    expect(strip).toContain("Drafted by test-model");
    expect(strip).not.toContain('aria-label="Previously');
    // Resolved, the conversation becomes history: the next one shows "Previously".
    await post(`/inbox/conversations/${first.conversationId}/actions/status`, { status: "resolved" });
    const next = await h.inject({ externalId: "e2", contact: { externalId: "u2" }, text: "Hello again, a new question about delivery." });
    if (next.status !== "stored" || next.conversationId === first.conversationId) throw new Error("expected a new conversation");
    const later = await (await get(`/inbox/conversations/${next.conversationId}/assist/suggestions`)).text();
    expect(later).toContain('aria-label="Previously by assistant-local"');
    expect(later).toContain("asked &quot;Where is my invoice&quot;");
  });

  it("translates both ways: the German question shown in English (original kept), the English answer previewed and sent in German (the agent's words kept)", async () => {
    const { h, get, post, base, id, stored, records, message, fake } = await start();
    const translated = await (await post(`${base}/translate`)).text();
    expect(translated).toContain("Translated 1 message into en");
    expect(translated).toContain(`id="m-${stored.messageId}"`);
    expect(translated).toContain('hx-swap-oob="true"');
    // The model saw a placeholder, and the agent sees the address again.
    expect(JSON.stringify(fake.requests[0])).not.toContain("ann@example.com");
    expect(translated).toContain("Where is my invoice? Write to ann@example.com");
    expect((await message(stored.messageId)).metadata.translations).toEqual({
      en: { text: "Where is my invoice? Write to ann@example.com", plugin: "assistant-openai" },
    });
    const page = await (await get(`/inbox/conversations/${id}`)).text();
    expect(page).toMatch(
      /Where is my invoice\? Write to ann@example\.com<\/div>.*✦ Assistant · translated into en.*Show the original.*Wo ist meine Rechnung\?/s,
    );

    const preview = (await (await post(`${base}/translate-reply`, { text: "It was sent on Monday." })).json()) as Record<string, unknown>;
    expect(preview).toMatchObject({
      text: "Sie wurde am Montag verschickt.",
      from: "en",
      to: "de",
      of: "It was sent on Monday.",
      plugin: "assistant-openai",
    });
    const sent = await post(`/inbox/conversations/${id}/messages`, {
      text: "It was sent on Monday.",
      kind: "reply",
      translation: String(preview.text),
      translation_of: String(preview.of),
      translation_id: String(preview.id),
      translation_from: "en",
      translation_to: "de",
    });
    expect(sent.status).toBe(204);
    await h.drain();
    expect(h.sent.map((s) => s.message.text)).toEqual(["Sie wurde am Montag verschickt."]);
    const [reply] = await h.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.direction, "outgoing"));
    expect(reply!.text).toBe("Sie wurde am Montag verschickt.");
    expect(reply!.metadata.translation).toEqual({
      original: "It was sent on Monday.",
      from: "en",
      to: "de",
      plugin: "assistant-openai",
      edited: false,
    });
    expect(await records()).toEqual([{ kind: "translate", outcome: "used", text: "Sie wurde am Montag verschickt." }]);
    const after = await (await get(`/inbox/conversations/${id}`)).text();
    expect(after).toMatch(
      /Sie wurde am Montag verschickt\.<\/div>.*✦ Assistant · translated into de.*Show what the agent wrote.*It was sent on Monday\./s,
    );
  });

  it("marks an incoming message in another language for the page to translate as it appears, and translates that one message", async () => {
    const { h, get, post, base, id, stored, message } = await start();
    const before = await (await get(`/inbox/conversations/${id}`)).text();
    expect(before).not.toContain("data-language=");
    const marked = { ...(await message(stored.messageId)).metadata, language: "de" };
    await h.switchboard.store.write((tx) =>
      tx.update(tables.messages).set({ metadata: marked }).where(eq(tables.messages.id, stored.messageId)),
    );
    expect(await (await get(`/inbox/conversations/${id}`)).text()).toContain(`data-message-id="${stored.messageId}" data-language="de"`);
    const answer = await post(`${base}/translate?message=${stored.messageId}`);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(html).toMatch(new RegExp(`^<article class="msg incoming" id="m-${stored.messageId}"`));
    expect(html).toContain("Where is my invoice? Write to ann@example.com");
    expect(html).not.toContain("data-language=");
    expect((await post(`${base}/translate?message=${stored.messageId}`)).status).toBe(204);
    expect((await post(`${base}/translate?message=abc`)).status).toBe(422);
  });

  it("refuses a translation whose source changed after the preview, an unknown suggestion and an empty text, with 422 and the reason", async () => {
    const { post, base, id, h } = await start();
    const preview = (await (await post(`${base}/translate-reply`, { text: "It was sent on Monday." })).json()) as Record<string, unknown>;
    const stale = await post(`/inbox/conversations/${id}/messages`, {
      text: "It was sent on Tuesday.",
      translation: String(preview.text),
      translation_of: String(preview.of),
      translation_id: String(preview.id),
    });
    expect(stale.status).toBe(422);
    expect(await stale.text()).toContain("your reply changed after it was translated");
    const unknown = await post(`/inbox/conversations/${id}/messages`, { text: "Hello", assist_id: "999" });
    expect(unknown.status).toBe(422);
    expect((await post(`${base}/rewrite`, { text: "  " })).status).toBe(422);
    expect((await post(`${base}/rewrite`, { text: "hi", inbox: "nope" })).status).toBe(422);
    expect((await post(`${base}/translate-reply`, { text: "hi", inbox: "nope" })).status).toBe(422);
    await h.drain();
    expect(h.sent).toHaveLength(0);
  });

  it("streams a draft grounded in a published article (cited for the agent); sent edited, it is recorded as edited and the strip's suggestion as ignored", async () => {
    const { h, get, post, base, id, agent, records, fake } = await start();
    await createArticle(
      h.switchboard,
      { agentId: agent.id },
      {
        title: "Where invoices go",
        body: "Invoices (Rechnung) are emailed every Monday.",
        tags: ["billing"],
        locale: "en",
        status: "published",
      },
    );
    await get(`${base}/suggestions`);
    const answer = await post(`${base}/draft`);
    expect(answer.headers.get("Content-Type")).toContain("text/event-stream");
    const stream = await events(answer);
    expect(stream.map((e) => e.event)).toEqual(["chunk", "chunk", "chunk", "done"]);
    expect(
      stream
        .slice(0, 3)
        .map((e) => e.data.text)
        .join(""),
    ).toBe("Your invoice was emailed on Monday.");
    const done = stream[3]!.data;
    expect(done).toMatchObject({ plugin: "assistant-openai", sources: ["[1] Where invoices go"] });
    expect(JSON.stringify(fake.requests.at(-1))).toContain("Invoices (Rechnung) are emailed every Monday.");
    const sent = await post(`/inbox/conversations/${id}/messages`, {
      text: "Your invoice was emailed on Monday, Greta.",
      assist_id: String(done.id),
    });
    expect(sent.status).toBe(204);
    const [reply] = await h.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.direction, "outgoing"));
    expect(reply!.metadata.assistant).toEqual({ plugin: "assistant-openai", kind: "draft", edited: true });
    expect((await records()).map((r) => [r.kind, r.outcome])).toEqual([
      ["suggest", "ignored"],
      ["draft", "edited"],
    ]);
    const page = await (await get(`/inbox/conversations/${id}`)).text();
    expect(page).toContain("✦ Assistant · draft, edited");
  });

  it("summarises and rewrites for the channel; a suggestion sent as is is recorded as used", async () => {
    const { post, base, id, records } = await start();
    const summary = await (await post(`${base}/summarize`)).text();
    expect(summary).toContain("The customer asks where invoice A-1001 is.");
    expect(summary).toContain("✦ Assistant");
    const rewritten = (await (await post(`${base}/rewrite`, { text: "sent it monday" })).json()) as {
      id: number;
      text: string;
      channel: string;
    };
    expect(rewritten).toMatchObject({ text: "Hi! Your invoice went out on Monday.", channel: "test" });
    await post(`/inbox/conversations/${id}/messages`, { text: rewritten.text, assist_id: String(rewritten.id) });
    expect(await records()).toEqual([{ kind: "rewrite", outcome: "used", text: "Hi! Your invoice went out on Monday." }]);
  });

  it("never blocks the agent when the model fails: the actions say so with 200, and the reply goes out", async () => {
    const { h, get, post, base, id, fake } = await start({ max_retries: 0 });
    fake.answer = () => ({ status: 500, error: "model crashed" });
    expect(await (await get(`${base}/suggestions`)).text()).toContain("No suggestions");
    const draft = await events(await post(`${base}/draft`));
    expect(draft).toEqual([
      {
        event: "failed",
        data: {
          message: "The assistant could not answer just now. Write your reply as usual.",
          partial: "",
          error: "SWB_ASSISTANT_OPENAI_STATUS",
        },
      },
    ]);
    const summary = await post(`${base}/summarize`);
    expect(summary.status).toBe(200);
    expect(await summary.text()).toContain("could not answer");
    expect(await (await post(`${base}/rewrite`, { text: "hi" })).json()).toEqual({
      text: null,
      message: "The assistant could not answer just now. Write your reply as usual.",
    });
    expect((await post(`/inbox/conversations/${id}/messages`, { text: "I'll check and get back to you." })).status).toBe(204);
    await h.drain();
    expect(h.sent.map((s) => s.message.text)).toEqual(["I'll check and get back to you."]);
  });
});
