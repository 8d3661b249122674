/**
 * The model server, through the `openai` library pointed at `base_url`: one answer whole, or
 * streamed piece by piece. Each call redacts what it sends and restores what comes back, reports
 * the tokens used, and turns the library's failures into coded errors. Timeouts and retries are
 * the library's (`timeout_ms`, `max_retries`); an aborted call (the agent went away) stops quietly.
 */
import type { AssistantCall } from "@switchboard/core";
import OpenAI from "openai";
import { describeFailure } from "./errors.ts";
import type { OpenAiOptions } from "./options.ts";
import type { Redactor } from "./redact.ts";

export interface Prompt {
  system: string;
  user: string;
}

export interface Model {
  complete(prompt: Prompt, redactor: Redactor, call: AssistantCall): Promise<string>;
  stream(prompt: Prompt, redactor: Redactor, call: AssistantCall): AsyncIterable<string>;
}

/**
 * Creates the model client.
 *
 * @example
 * const model = createModel({ base_url: "http://127.0.0.1:11434/v1", model: "llama3.1", ... });
 * await model.complete({ system: "Translate to de.", user: "Hello" }, new Redactor(true), {});
 */
export function createModel(options: OpenAiOptions): Model {
  const client = new OpenAI({
    baseURL: options.base_url,
    // The library refuses to start without a key; servers that need none ignore it.
    apiKey: options.api_key || "no-key",
    timeout: options.timeout_ms,
    maxRetries: options.max_retries,
  });
  const body = (prompt: Prompt, redactor: Redactor) => ({
    model: options.model,
    temperature: options.temperature,
    max_tokens: options.max_tokens,
    messages: [
      { role: "system" as const, content: redactor.redact(prompt.system) },
      { role: "user" as const, content: redactor.redact(prompt.user) },
    ],
  });
  const report = (call: AssistantCall, usage: { prompt_tokens: number; completion_tokens: number } | null | undefined) => {
    if (usage) call.usage?.({ model: options.model, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens });
  };

  return {
    async complete(prompt, redactor, call) {
      try {
        const answer = await client.chat.completions.create(body(prompt, redactor), { signal: call.signal });
        report(call, answer.usage);
        return redactor.restore(answer.choices[0]?.message.content?.trim() ?? "");
      } catch (error) {
        throw describeFailure(error, options.base_url, options.model);
      }
    },
    stream(prompt, redactor, call) {
      async function* pieces(): AsyncIterable<string> {
        try {
          const stream = await client.chat.completions.create(
            { ...body(prompt, redactor), stream: true, stream_options: { include_usage: true } },
            { signal: call.signal },
          );
          for await (const chunk of stream) {
            report(call, chunk.usage);
            const text = chunk.choices[0]?.delta?.content;
            if (text) yield text;
          }
        } catch (error) {
          throw describeFailure(error, options.base_url, options.model);
        }
      }
      return redactor.restoreStream(pieces());
    },
  };
}
