/**
 * The listeners of broadcast topics in this process. Both cluster modes deliver through it: a
 * broadcast reaches this process's listeners at once, and other processes' through Redis.
 */
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";

export class TopicListeners {
  readonly #byTopic = new Map<string, Set<(payload: string) => void>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Adds a listener; returns the function that removes it. */
  add(topic: string, listener: (payload: string) => void): () => void {
    let set = this.#byTopic.get(topic);
    if (!set) this.#byTopic.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#byTopic.delete(topic);
    };
  }

  /** Whether anyone here listens to `topic`. */
  has(topic: string): boolean {
    return this.#byTopic.has(topic);
  }

  /** The topics listened to here. */
  topics(): string[] {
    return [...this.#byTopic.keys()];
  }

  /** Calls each listener of `topic`; one that throws is logged and the others still run. */
  deliver(topic: string, payload: string): void {
    for (const listener of this.#byTopic.get(topic) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        this.#log.error({ topic, error: describeError(error) }, "broadcast listener failed");
      }
    }
  }
}
