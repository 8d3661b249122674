/**
 * One Meta app delivers the events of all its pages and Instagram accounts to the one callback URL
 * set in the app. So whichever inbox's webhook receives a delivery hands each entry to the inbox
 * whose account id it names (`entry.id`), registered here when the inboxes are created. Entries of
 * accounts no inbox serves are logged and acknowledged (Meta would otherwise retry them for hours).
 */
import type { MetaEntry } from "./events.ts";

/** Handles the entries of one account (one inbox). */
export type EntryHandler = (entry: MetaEntry) => Promise<void>;

/**
 * The account id → inbox handler map of one plugin instance.
 *
 * @example
 * const router = new EntryRouter();
 * router.register("page", "104839284", (entry) => handleEntry(entry));
 * await router.dispatch("page", entry); // false when no inbox serves it
 */
export class EntryRouter {
  readonly #handlers = new Map<string, EntryHandler>();

  /** Registers the handler of an account; returns a function that removes it. */
  register(object: string, accountId: string, handler: EntryHandler): () => void {
    const key = `${object}:${accountId}`;
    this.#handlers.set(key, handler);
    return () => {
      if (this.#handlers.get(key) === handler) this.#handlers.delete(key);
    };
  }

  /** Whether an inbox of this kind already serves the account. */
  has(object: string, accountId: string): boolean {
    return this.#handlers.has(`${object}:${accountId}`);
  }

  /** Runs the entry through its inbox's handler; false when no inbox serves the account. */
  async dispatch(object: string, entry: MetaEntry): Promise<boolean> {
    const handler = this.#handlers.get(`${object}:${entry.id}`);
    if (!handler) return false;
    await handler(entry);
    return true;
  }
}
