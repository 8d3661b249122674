// assistant-openai against a fake OpenAI-compatible server on loopback (real wire format): a draft
// streamed in `data:` chunks and grounded in what core passes, summaries, a translation round trip,
// a tone rewrite, redaction on the way out and back (streamed too), the per-inbox opt-in, the API
// key from ${ENV}, token usage on /metrics, and failures (HTTP errors retried, a slow server timed
// out) that end in a logged code and no answer, never a thrown error.
import { fileURLToPath } from "node:url";
import { type AssistantInput, createLogger } from "@switchboard/core";
import { createTestHarness, type Harness } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAI, lastUserText, promptOf, startFakeOpenAI } from "../test-support/fake-openai.ts";
import { openAiOptions } from "./options.ts";
import { Redactor } from "./redact.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));

let harness: Harness | undefined;
let ai: FakeOpenAI | undefined;
afterEach(async () => {
  await harness?.close();
  await ai?.stop();
  harness = undefined;
  ai = undefined;
});

/** A harness with the plugin pointed at a fresh fake; `logs` collects every log line. */
async function start(options: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  ai = startFakeOpenAI();
  const logs: { msg: string; plugin?: string; kind?: string; error?: { code?: string; message: string } }[] = [];
  const log = createLogger({ level: "info", destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  harness = await createTestHarness({
    log,
    env,
    plugins: { ai: { package: PLUGIN, options: { base_url: ai.baseUrl, model: "test-model", inboxes: ["test"], ...options } } },
  });
  return { h: harness, fake: ai, logs, assistants: harness.switchboard.assistants };
}

const input = (extra: Partial<AssistantInput> = {}): AssistantInput => ({
  conversationId: 1,
  inbox: "test",
  channel: "telegram",
  messages: [
    { direction: "incoming", text: "Where is my invoice A-1001?", channel: "telegram", createdAt: 1 },
    { direction: "outgoing", text: "Let me check.", channel: "telegram", createdAt: 2 },
  ],
  ...extra,
});

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe("assistant-openai", () => {
  it("streams a draft grounded in the conversation, the history, the facts, the articles and the channel's tone guide", async () => {
    const { fake, assistants, h } = await start({
      tone: { telegram: { guide: "Short and warm.", examples: ["Hi! Sent it just now.", "Done, anything else?"] } },
    });
    fake.answer = () => ({
      chunks: ["Your invoice ", "A-1001 was ", "sent on Monday."],
      usage: { prompt_tokens: 120, completion_tokens: 9 },
    });
    const draft = await assistants.stream(
      input({
        contact: { id: 3, name: "Ada", facts: { crm: { plan: "enterprise" } } },
        history: [{ conversationId: 9, direction: "incoming", text: "Can I pay by bank transfer?", channel: "email", createdAt: 0 }],
        articles: [{ id: 4, title: "Invoices", body: "Invoices are emailed on Mondays." }],
      }),
    );
    expect(draft?.plugin).toBe("assistant-openai");
    expect(await collect(draft!.chunks)).toEqual(["Your invoice ", "A-1001 was ", "sent on Monday."]);
    const [request] = fake.requests;
    expect(request).toMatchObject({ model: "test-model", stream: true, stream_options: { include_usage: true } });
    const prompt = promptOf(request!);
    for (const expected of [
      "Customer (telegram): Where is my invoice A-1001?",
      "Agent (telegram): Let me check.",
      "Customer (email): Can I pay by bank transfer?",
      '"plan":"enterprise"',
      "[1] Invoices\nInvoices are emailed on Mondays.",
      "Tone for telegram: Short and warm.",
      "Example 2: Done, anything else?",
    ])
      expect(prompt).toContain(expected);
    const metrics = await (await h.request("/metrics")).text();
    expect(metrics).toContain(
      'switchboard_assistant_tokens_total{plugin="assistant-openai",kind="draft",model="test-model",type="prompt"} 120',
    );
    expect(metrics).toContain(
      'switchboard_assistant_tokens_total{plugin="assistant-openai",kind="draft",model="test-model",type="completion"} 9',
    );
  });

  it("summarises, and translates both ways: a German question to English for the agent, the English answer back to German", async () => {
    const { fake, assistants } = await start();
    const dictionary: Record<string, string> = {
      "Wo ist meine Rechnung?": "Where is my invoice?",
      "It was sent on Monday.": "Sie wurde am Montag verschickt.",
    };
    fake.answer = (request) => {
      const system = request.messages[0]!.content;
      if (system.startsWith("Summarise")) return { text: "The customer asks for invoice A-1001; the agent is checking." };
      if (system.startsWith("Translate")) return { text: dictionary[lastUserText(request)] ?? "?" };
      return { text: "de" };
    };
    expect(await assistants.run("summarize", input({ language: "en" }))).toEqual({
      plugin: "assistant-openai",
      value: "The customer asks for invoice A-1001; the agent is checking.",
    });
    expect(fake.requests[0]!.messages[0]!.content).toContain('in the language "en"');
    expect((await assistants.run("language", { text: "Wo ist meine Rechnung?", inbox: "test" }))?.value).toBe("de");
    const incoming = await assistants.run("translate", { text: "Wo ist meine Rechnung?", to: "en", inbox: "test" });
    expect(incoming?.value).toBe("Where is my invoice?");
    const outgoing = await assistants.run("translate", { text: "It was sent on Monday.", to: "de", from: "en", inbox: "test" });
    expect(outgoing?.value).toBe("Sie wurde am Montag verschickt.");
    expect(fake.requests.at(-1)!.messages[0]!.content).toContain('from the language "en" into the language "de"');
  });

  it("rewrites for a channel with its tone guide (or the inbox's tone when the guide has none)", async () => {
    const { fake, assistants } = await start({
      tone: { email: { guide: "Formal, full sentences, a greeting and a sign-off.", examples: ["Dear Ada, ..."] } },
    });
    fake.answer = () => ({ text: "Dear customer, your invoice was sent on Monday. Kind regards" });
    const email = await assistants.run("rewrite", { text: "sent it monday", channel: "email", inbox: "test" });
    expect(email?.value).toBe("Dear customer, your invoice was sent on Monday. Kind regards");
    expect(fake.requests[0]!.messages[0]!.content).toContain("Tone for email: Formal, full sentences");
    await assistants.run("rewrite", { text: "sent it monday", channel: "sms", tone: "Very short", inbox: "test" });
    expect(fake.requests[1]!.messages[0]!.content).toContain("Tone for sms: Very short");
  });

  it("redacts emails, phones and card numbers before they leave, and puts them back in the answer, streamed or not", async () => {
    const { fake, assistants } = await start();
    const secret = "Mail ann@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111, order A-1001 on 2026-11-02.";
    fake.answer = (request) => ({
      chunks: ["I wrote to [EMA", "IL_1] and [PHONE_1", "]."],
      text: lastUserText(request).includes("[EMAIL_1]") ? "To [EMAIL_1]" : "?",
    });
    const translated = await assistants.run("translate", { text: secret, to: "de", inbox: "test" });
    expect(translated?.value).toBe("To ann@example.com");
    const sent = lastUserText(fake.requests[0]!);
    expect(sent).toBe("Mail [EMAIL_1] or call [PHONE_1]; card [CARD_1], order A-1001 on 2026-11-02.");
    const draft = await assistants.stream(
      input({ messages: [{ direction: "incoming", text: secret, channel: "telegram", createdAt: 1 }] }),
    );
    expect((await collect(draft!.chunks)).join("")).toBe("I wrote to ann@example.com and +44 20 7946 0958.");
    expect(JSON.stringify(fake.requests[1])).not.toMatch(/ann@example|7946|4111/);
  });

  it("leaves text as it is with redact = false", async () => {
    const { fake, assistants } = await start({ redact: false });
    await assistants.run("translate", { text: "Mail ann@example.com", to: "de", inbox: "test" });
    expect(lastUserText(fake.requests[0]!)).toBe("Mail ann@example.com");
  });

  it("helps only in the inboxes it is given: elsewhere nothing leaves the machine", async () => {
    const { fake, assistants } = await start({ inboxes: ["support"] });
    expect(await assistants.run("summarize", input())).toBeNull();
    expect(await assistants.stream(input())).toBeNull();
    expect(await assistants.run("translate", { text: "Hallo", to: "en", inbox: "test" })).toBeNull();
    expect(fake.requests).toHaveLength(0);
    expect(await assistants.run("summarize", input({ inbox: "support" }))).not.toBeNull();
  });

  it("never sends messages of inboxes it does not help in, from the conversation or the contact's history", async () => {
    const { fake, assistants } = await start();
    const draft = await assistants.stream(
      input({
        messages: [
          { direction: "incoming", text: "Question on the test inbox", channel: "test", createdAt: 1, inbox: "test" },
          { direction: "outgoing", text: "Answer sent on the legal inbox", channel: "email", createdAt: 2, inbox: "legal" },
        ],
        history: [
          { conversationId: 8, direction: "incoming", text: "Confidential legal matter", channel: "email", createdAt: 0, inbox: "legal" },
          { conversationId: 9, direction: "incoming", text: "Earlier test question", channel: "test", createdAt: 0, inbox: "test" },
        ],
      }),
    );
    await collect(draft!.chunks);
    const prompt = promptOf(fake.requests[0]!);
    expect(prompt).toContain("Question on the test inbox");
    expect(prompt).toContain("Earlier test question");
    expect(prompt).not.toContain("legal");
  });

  it("sends the API key from ${ENV}, and never logs it", async () => {
    const { fake, assistants, logs } = await start({ api_key: "${TEST_OPENAI_KEY}" }, { TEST_OPENAI_KEY: "sk-test-123" });
    await assistants.run("summarize", input());
    expect(fake.authorizations).toEqual(["Bearer sk-test-123"]);
    expect(JSON.stringify(logs)).not.toContain("sk-test-123");
  });

  it("retries a 500 max_retries times, then logs a coded failure and answers nothing; a 401 says to check api_key", async () => {
    const { fake, assistants, logs } = await start({ max_retries: 1 });
    fake.answer = () => ({ status: 500, error: "model crashed" });
    expect(await assistants.run("summarize", input())).toBeNull();
    expect(fake.requests).toHaveLength(2);
    fake.answer = () => ({ status: 401, error: "Incorrect API key provided" });
    expect(await assistants.run("summarize", input())).toBeNull();
    const failures = logs.filter((l) => l.msg === "assistant failed; trying the next one").map((l) => [l.error?.code, l.error?.message]);
    expect(failures).toEqual([
      ["SWB_ASSISTANT_OPENAI_STATUS", `${fake.baseUrl} answered HTTP 500: 500 model crashed.`],
      [
        "SWB_ASSISTANT_OPENAI_AUTH",
        `${fake.baseUrl} answered HTTP 401: 401 Incorrect API key provided. Check api_key (and the environment variable it names).`,
      ],
    ]);
  });

  it("gives up on a slow server after timeout_ms (no retry) and on a stream that fails part-way, without throwing at the caller", async () => {
    const { fake, assistants, logs } = await start({ timeout_ms: 200, max_retries: 0 });
    fake.answer = () => ({ text: "late", delayMs: 1500 });
    expect(await assistants.run("summarize", input())).toBeNull();
    expect(logs.find((l) => l.msg === "assistant failed; trying the next one")?.error?.code).toBe("SWB_ASSISTANT_OPENAI_TIMEOUT");
    fake.answer = () => ({ status: 503, error: "overloaded" });
    const draft = await assistants.stream(input());
    await expect(collect(draft!.chunks)).rejects.toMatchObject({ code: "SWB_ASSISTANT_OPENAI_STATUS" });
  });

  it("refuses options without inboxes, naming the key and the fix", async () => {
    await expect(start({ inboxes: [] })).rejects.toThrow(/inboxes.*list the inboxes this assistant may help in/);
  });
});

describe("the sample config", () => {
  it("describes the plugin, commented out, with options its schema accepts once uncommented", async () => {
    const sample = await Bun.file(fileURLToPath(new URL("../../../config/switchboard.sample.toml", import.meta.url))).text();
    const start = sample.indexOf("# [plugins.ai]\n");
    const block = sample.slice(start, sample.indexOf("\n\n", start));
    const toml = block
      .split("\n")
      .filter((line) => !line.startsWith("# # "))
      .map((line) => line.replace(/^# /, ""))
      .join("\n");
    const parsed = Bun.TOML.parse(toml) as { plugins: { ai: { package: string; options: unknown } } };
    expect(parsed.plugins.ai.package).toBe("@switchboard/assistant-openai");
    const options = openAiOptions.parse(parsed.plugins.ai.options);
    expect(options).toMatchObject({ base_url: "http://127.0.0.1:11434/v1", inboxes: ["api"], redact: true });
    expect(Object.keys(options.tone)).toEqual(["telegram", "email"]);
  });
});

describe("Redactor", () => {
  it("gives one value one placeholder, keeps dates and short numbers, and restores a placeholder split across chunks", async () => {
    const r = new Redactor(true);
    expect(r.redact("a@b.co, a@b.co and c@d.org; ref 12345; +1 (415) 555-0100; 5500-0000-0000-0004")).toBe(
      "[EMAIL_1], [EMAIL_1] and [EMAIL_2]; ref 12345; [PHONE_1]; [CARD_1]",
    );
    async function* pieces() {
      yield "x [CA";
      yield "RD_1] y [";
      yield "EMAIL_2]";
    }
    const out: string[] = [];
    for await (const p of r.restoreStream(pieces())) out.push(p);
    expect(out.join("")).toBe("x 5500-0000-0000-0004 y c@d.org");
  });
});
