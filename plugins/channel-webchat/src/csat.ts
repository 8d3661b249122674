/**
 * CSAT ratings: kept in the inbox's kv under `csat:<conversation id>` as
 * `{ conversationId, contactId, rating (1-5), comment, at }`, read from there each time (so every
 * Switchboard process sees a rating given through another). Core has no place for a rating on a conversation yet (an inbound message would reopen
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
 * await csat.get(12); // { conversationId: 12, rating: 5, … }
 */
export class CsatStore {
  readonly #kv: KeyValueStore;

  private constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  static async load(kv: KeyValueStore): Promise<CsatStore> {
    return new CsatStore(kv);
  }

  async record(rating: CsatRating): Promise<void> {
    await this.#kv.set(`csat:${rating.conversationId}`, rating);
  }

  /** Deletes the ratings of these conversations (a contact was erased). */
  async forget(conversationIds: number[]): Promise<void> {
    for (const id of conversationIds) await this.#kv.delete(`csat:${id}`);
  }

  get(conversationId: number): Promise<CsatRating | undefined> {
    return this.#kv.get<CsatRating>(`csat:${conversationId}`);
  }
}
