/**
 * CSAT ratings: kept in the inbox's kv under `csat:<conversation id>` as
 * `{ conversationId, contactId, rating (1-5), comment, at }`, and mirrored in memory for quick
 * lookups. Core has no place for a rating on a conversation yet (an inbound message would reopen
 * it), so agents read them from the kv (README: "CSAT").
 */
import type { KeyValueStore } from "@switchboard/core";

/** One rating of one conversation. */
export interface CsatRating {
  conversationId: number;
  contactId: number | null;
  rating: number;
  comment: string | null;
  at: number;
}

/**
 * The ratings of one inbox.
 *
 * @example
 * const csat = await CsatStore.load(inbox.kv);
 * await csat.record({ conversationId: 12, contactId: 3, rating: 5, comment: null, at: Date.now() });
 * csat.get(12); // { conversationId: 12, rating: 5, … }
 */
export class CsatStore {
  readonly #kv: KeyValueStore;
  readonly #byConversation = new Map<number, CsatRating>();

  private constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  static async load(kv: KeyValueStore): Promise<CsatStore> {
    const store = new CsatStore(kv);
    for (const row of await kv.list("csat:")) {
      const rating = row.value as CsatRating;
      store.#byConversation.set(rating.conversationId, rating);
    }
    return store;
  }

  async record(rating: CsatRating): Promise<void> {
    await this.#kv.set(`csat:${rating.conversationId}`, rating);
    this.#byConversation.set(rating.conversationId, rating);
  }

  /** Deletes the ratings of these conversations (a contact was erased). */
  async forget(conversationIds: number[]): Promise<void> {
    for (const id of conversationIds) {
      await this.#kv.delete(`csat:${id}`);
      this.#byConversation.delete(id);
    }
  }

  get(conversationId: number): CsatRating | undefined {
    return this.#byConversation.get(conversationId);
  }
}
