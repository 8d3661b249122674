/**
 * @switchboard/assistant-openai: an assistant backed by any OpenAI-compatible chat completions
 * server (OpenAI, Ollama, llama.cpp's server, vLLM, LM Studio, hosted ones). It drafts replies
 * grounded in the conversation, the contact's other conversations, their enrichment facts and the
 * best-matching knowledge-base articles (streamed), summarises, translates and rewrites for a
 * channel's tone. It helps only in the inboxes listed in `inboxes`; with `redact` on, emails,
 * phones and card-like numbers never leave the machine. A failure is thrown with a code and core
 * logs it: the agent's composer never depends on it. Options are documented in README.md.
 */
import { type AssistantCall, type AssistantInput, definePlugin } from "@switchboard/core";
import { createModel } from "./model.ts";
import { openAiOptions } from "./options.ts";
import { draftPrompt, languagePrompt, rewritePrompt, summaryPrompt, toneSection, translatePrompt } from "./prompts.ts";
import { Redactor } from "./redact.ts";

export { AssistantOpenAiError } from "./errors.ts";
export { openAiOptions } from "./options.ts";
export { Redactor } from "./redact.ts";

export default definePlugin({
  name: "assistant-openai",
  version: "0.1.0",
  core: "^1.1.0",
  options: openAiOptions,
  setup(ctx) {
    const options = ctx.options;
    const model = createModel(options);
    const everywhere = options.inboxes.includes("*");
    const helps = (call: AssistantCall) => everywhere || (call.inbox !== undefined && options.inboxes.includes(call.inbox));
    const redactor = () => new Redactor(options.redact);
    // Messages of inboxes this assistant does not help in never leave the machine (a cross-channel
    // conversation or the contact's history may hold some).
    const allowed = <T extends { inbox?: string }>(list: T[] | undefined) =>
      (list ?? []).filter((m) => everywhere || m.inbox === undefined || options.inboxes.includes(m.inbox));
    const recent = <T extends { inbox?: string }>(messages: T[]) => allowed(messages).slice(-options.context_messages);
    const scoped = (input: AssistantInput): AssistantInput => ({
      ...input,
      messages: recent(input.messages),
      history: allowed(input.history),
    });
    ctx.log.info(
      { base_url: options.base_url, model: options.model, inboxes: options.inboxes, redact: options.redact },
      "assistant-openai ready",
    );

    ctx.assistant({
      draft(input) {
        if (!helps(input)) return Promise.resolve(null);
        const tone = toneSection(input.channel, options.tone[input.channel]);
        return model.stream(draftPrompt(scoped(input), tone), redactor(), input);
      },
      async suggestions(input) {
        if (!options.suggest_on_open || !helps(input)) return null;
        const tone = toneSection(input.channel, options.tone[input.channel]);
        const text = await model.complete(draftPrompt(scoped(input), tone), redactor(), input);
        return text ? [{ text, source: { kind: "model", model: options.model }, label: `Drafted by ${options.model}` }] : null;
      },
      async summarize(input) {
        if (!helps(input)) return null;
        return (await model.complete(summaryPrompt(scoped(input)), redactor(), input)) || null;
      },
      async translate(input) {
        if (!helps(input) || !input.text.trim()) return null;
        return (await model.complete(translatePrompt(input.text, input.to, input.from), redactor(), input)) || null;
      },
      async rewrite(input) {
        if (!helps(input) || !input.text.trim()) return null;
        const tone = toneSection(input.channel, options.tone[input.channel], input.tone);
        return (await model.complete(rewritePrompt(input.text, input.channel, tone), redactor(), input)) || null;
      },
      async language(input) {
        if (!helps(input) || !input.text.trim()) return null;
        const answer = (await model.complete(languagePrompt(input.text), redactor(), input)).toLowerCase();
        return /^[a-z]{2,3}$/.test(answer) ? answer : null;
      },
    });
  },
});
