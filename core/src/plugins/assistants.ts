/**
 * Runs the assistant hooks plugins registered (`ctx.assistant`): for each kind (suggest, summarize,
 * translate, rewrite, language) the first plugin with a non-null answer wins, under a timeout;
 * `all` gathers every plugin's answer (the suggestions strip) and `stream` relays a draft chunk by
 * chunk. Each call gets an abort signal and a `usage` reporter (token counts for /metrics).
 * Assistants only ever propose: nothing here sends or stores a message.
 */
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { withTimeout } from "./hooks.ts";
import type { PluginRegistry } from "./registry.ts";
import type { AssistantHooks, AssistantInput, AssistantUsage } from "./types.ts";

type Kind = Exclude<keyof AssistantHooks, "draft">;
type InputOf<K extends Kind> = Parameters<NonNullable<AssistantHooks[K]>>[0];
type OutputOf<K extends Kind> = NonNullable<Awaited<ReturnType<NonNullable<AssistantHooks[K]>>>>;

/** Called with each plugin's reported token usage (wired to /metrics). */
export type UsageListener = (plugin: string, kind: keyof AssistantHooks, usage: AssistantUsage) => void;

export class Assistants {
  readonly #registry: PluginRegistry;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #usage: UsageListener[] = [];

  constructor(registry: PluginRegistry, log: Logger, timeoutMs = 15_000) {
    this.#registry = registry;
    this.#log = log;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether any plugin offers this kind of help (the inbox hides the button otherwise). */
  offers(kind: keyof AssistantHooks): boolean {
    return this.#registry.assistants.some((a) => typeof a.hooks[kind] === "function");
  }

  /** Registers a listener for the token usage assistants report. */
  onUsage(listener: UsageListener): void {
    this.#usage.push(listener);
  }

  /** The input a hook of `plugin` receives: the caller's, with a signal that aborts on timeout and a usage reporter. */
  #call<I extends object>(plugin: string, kind: keyof AssistantHooks, input: I, controller: AbortController): I {
    const outer = (input as { signal?: AbortSignal }).signal;
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    const usage = (u: AssistantUsage) => {
      for (const listener of this.#usage) listener(plugin, kind, u);
    };
    return { ...input, signal, usage };
  }

  async #ask<K extends Kind>(plugin: string, hooks: AssistantHooks, kind: K, input: InputOf<K>): Promise<OutputOf<K> | null> {
    const hook = hooks[kind] as ((input: InputOf<K>) => Promise<OutputOf<K> | null>) | undefined;
    if (!hook) return null;
    const controller = new AbortController();
    try {
      const value = await withTimeout(
        hook(this.#call(plugin, kind, input, controller)),
        this.#timeoutMs,
        `The ${kind} assistant of "${plugin}"`,
        {
          controller,
        },
      );
      return value ?? null;
    } catch (error) {
      this.#log.warn({ plugin, kind, error: describeError(error) }, "assistant failed; trying the next one");
      return null;
    }
  }

  /**
   * Asks the assistants in turn; returns the first answer with the plugin that gave it, or null.
   *
   * @example
   * const summary = await switchboard.assistants.run("summarize", { conversationId: 7, messages, channel: "email" });
   */
  async run<K extends Kind>(kind: K, input: InputOf<K>): Promise<{ plugin: string; value: OutputOf<K> } | null> {
    for (const { plugin, hooks } of this.#registry.assistants) {
      const value = await this.#ask(plugin, hooks, kind, input);
      if (value !== null) return { plugin, value };
    }
    return null;
  }

  /**
   * Asks every assistant at once; returns each non-null answer with its plugin, in registration order.
   *
   * @example
   * const strips = await switchboard.assistants.all("suggest", input); // [{ plugin: "assistant-local", value: ["…"] }, …]
   */
  async all<K extends Kind>(kind: K, input: InputOf<K>): Promise<{ plugin: string; value: OutputOf<K> }[]> {
    const answers = await Promise.all(
      this.#registry.assistants.map(async ({ plugin, hooks }) => ({ plugin, value: await this.#ask(plugin, hooks, kind, input) })),
    );
    return answers.filter((a): a is { plugin: string; value: OutputOf<K> } => a.value !== null);
  }

  /**
   * A reply draft from the first assistant that offers one, chunk by chunk (a plugin that answers
   * whole gives one chunk). Each chunk must come within the timeout. Null when no assistant drafts;
   * a failure mid-stream is logged and ends the stream.
   *
   * @example
   * const draft = await switchboard.assistants.stream(input);
   * if (draft) for await (const chunk of draft.chunks) write(chunk);
   */
  async stream(input: AssistantInput): Promise<{ plugin: string; chunks: AsyncIterable<string> } | null> {
    for (const { plugin, hooks } of this.#registry.assistants) {
      if (!hooks.draft) continue;
      const controller = new AbortController();
      const what = `The draft assistant of "${plugin}"`;
      try {
        const answer = hooks.draft(this.#call(plugin, "draft", input, controller));
        if (isAsyncIterable(answer)) return { plugin, chunks: this.#relay(plugin, answer, controller) };
        const whole = await withTimeout(answer, this.#timeoutMs, what, { controller });
        if (whole) return { plugin, chunks: once(whole) };
      } catch (error) {
        this.#log.warn({ plugin, kind: "draft", error: describeError(error) }, "assistant failed; trying the next one");
      }
    }
    return null;
  }

  async *#relay(plugin: string, source: AsyncIterable<string>, controller: AbortController): AsyncIterable<string> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      while (true) {
        const next = await withTimeout(iterator.next(), this.#timeoutMs, `The draft assistant of "${plugin}"`, { controller });
        if (next.done) return;
        yield next.value;
      }
    } catch (error) {
      this.#log.warn({ plugin, kind: "draft", error: describeError(error) }, "the draft stopped part-way");
      throw error;
    } finally {
      controller.abort();
      // Not awaited: a plugin stuck mid-chunk ends on the abort, and must not hold the caller.
      iterator
        .return?.()
        .catch((error: unknown) => this.#log.warn({ plugin, error: describeError(error) }, "the draft did not close cleanly"));
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

async function* once(text: string): AsyncIterable<string> {
  yield text;
}
