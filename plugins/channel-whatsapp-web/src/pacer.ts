/**
 * Send pacing: a minimum interval between two sends to one chat and between any two sends of the
 * inbox, to lower the risk of WhatsApp banning the number for spam-like bursts. Sends wait their
 * turn in order; the clock and the wait are injected, so tests check the waits without sleeping.
 */

export interface PacerTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTiming: PacerTiming = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Keeps sends apart.
 *
 * @example
 * const pacer = new Pacer({ perChatMs: 3000, overallMs: 1000 });
 * await pacer.turn("447700900123@c.us"); // waits as long as needed
 * await client.sendMessage(chatId, text);
 */
export class Pacer {
  readonly #perChatMs: number;
  readonly #overallMs: number;
  readonly #timing: PacerTiming;
  readonly #lastByChat = new Map<string, number>();
  #last = Number.NEGATIVE_INFINITY;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: { perChatMs: number; overallMs: number }, timing: PacerTiming = realTiming) {
    this.#perChatMs = options.perChatMs;
    this.#overallMs = options.overallMs;
    this.#timing = timing;
  }

  /** Resolves when a send to `chat` may go; the send counts from then. */
  turn(chat: string): Promise<void> {
    const mine = this.#queue.then(async () => {
      const earliest = Math.max(this.#last + this.#overallMs, (this.#lastByChat.get(chat) ?? Number.NEGATIVE_INFINITY) + this.#perChatMs);
      const wait = earliest - this.#timing.now();
      if (wait > 0) await this.#timing.sleep(wait);
      const at = this.#timing.now();
      this.#last = at;
      this.#lastByChat.set(chat, at);
      // Forget chats whose interval has passed, so the map does not grow with every customer.
      if (this.#lastByChat.size > 1000)
        for (const [key, when] of this.#lastByChat) if (when + this.#perChatMs < at) this.#lastByChat.delete(key);
    });
    this.#queue = mine;
    return mine;
  }
}
