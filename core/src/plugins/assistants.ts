/**
 * Runs the assistant hooks plugins registered (`ctx.assistant`): for each kind (suggest, summarize,
 * translate, rewrite) the first plugin with a non-null answer wins, under a timeout. Assistants only
 * ever propose: nothing here sends or stores a message.
 */
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { withTimeout } from "./hooks.ts";
import type { PluginRegistry } from "./registry.ts";
import type { AssistantHooks } from "./types.ts";

type Kind = keyof AssistantHooks;
type InputOf<K extends Kind> = Parameters<NonNullable<AssistantHooks[K]>>[0];
type OutputOf<K extends Kind> = NonNullable<Awaited<ReturnType<NonNullable<AssistantHooks[K]>>>>;

export class Assistants {
  readonly #registry: PluginRegistry;
  readonly #log: Logger;
  readonly #timeoutMs: number;

  constructor(registry: PluginRegistry, log: Logger, timeoutMs = 15_000) {
    this.#registry = registry;
    this.#log = log;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether any plugin offers this kind of help (the inbox hides the button otherwise). */
  offers(kind: Kind): boolean {
    return this.#registry.assistants.some((a) => typeof a.hooks[kind] === "function");
  }

  /**
   * Asks the assistants in turn; returns the first answer with the plugin that gave it, or null.
   *
   * @example
   * const summary = await switchboard.assistants.run("summarize", { conversationId: 7, messages, channel: "email" });
   */
  async run<K extends Kind>(kind: K, input: InputOf<K>): Promise<{ plugin: string; value: OutputOf<K> } | null> {
    for (const { plugin, hooks } of this.#registry.assistants) {
      const hook = hooks[kind] as ((input: InputOf<K>) => Promise<OutputOf<K> | null>) | undefined;
      if (!hook) continue;
      try {
        const value = await withTimeout(hook(input), this.#timeoutMs, `The ${kind} assistant of "${plugin}"`);
        if (value !== null && value !== undefined) return { plugin, value };
      } catch (error) {
        this.#log.warn({ plugin, kind, error: describeError(error) }, "assistant failed; trying the next one");
      }
    }
    return null;
  }
}
