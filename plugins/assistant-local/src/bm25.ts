/**
 * An in-memory BM25 index (Okapi, k1 = 1.2, b = 0.75) over short documents, made for many small
 * questions: postings are typed arrays grown by doubling, a removed document is skipped until it is
 * added again, and a query touches only the postings of its own terms.
 */

interface Postings {
  ids: Int32Array;
  tfs: Uint16Array;
  size: number;
}

const K1 = 1.2;
const B = 0.75;

export interface Scored {
  id: number;
  score: number;
  /** How many distinct query terms the document holds. */
  matched: number;
}

export class Bm25Index {
  readonly #postings = new Map<string, Postings>();
  readonly #lengths = new Map<number, number>();
  #totalLength = 0;

  /** How many documents are indexed. */
  get size(): number {
    return this.#lengths.size;
  }

  /** Indexes a document under `id` (an id added again replaces the old document's length; its old terms are skipped). */
  add(id: number, words: string[]): void {
    this.remove(id);
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    for (const [word, tf] of counts) {
      let list = this.#postings.get(word);
      if (!list) this.#postings.set(word, (list = { ids: new Int32Array(4), tfs: new Uint16Array(4), size: 0 }));
      if (list.size === list.ids.length) {
        const ids = new Int32Array(list.size * 2);
        ids.set(list.ids);
        const tfs = new Uint16Array(list.size * 2);
        tfs.set(list.tfs);
        list.ids = ids;
        list.tfs = tfs;
      }
      list.ids[list.size] = id;
      list.tfs[list.size] = Math.min(tf, 65_535);
      list.size++;
    }
    this.#lengths.set(id, words.length);
    this.#totalLength += words.length;
  }

  /** Forgets a document (its postings are skipped from now on). */
  remove(id: number): void {
    const length = this.#lengths.get(id);
    if (length === undefined) return;
    this.#lengths.delete(id);
    this.#totalLength -= length;
  }

  /**
   * The best `limit` documents for the query terms, best first.
   *
   * @example
   * index.add(1, terms("Where is my refund?"));
   * index.search(terms("refund status"), 3); // [{ id: 1, score: 0.28, matched: 1 }]
   */
  search(query: string[], limit: number): Scored[] {
    const n = this.#lengths.size;
    if (n === 0) return [];
    const average = this.#totalLength / n || 1;
    const scores = new Map<number, Scored>();
    for (const word of new Set(query)) {
      const list = this.#postings.get(word);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
      for (let i = 0; i < list.size; i++) {
        const id = list.ids[i]!;
        const length = this.#lengths.get(id);
        if (length === undefined) continue;
        const tf = list.tfs[i]!;
        const gain = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average));
        const entry = scores.get(id);
        if (entry) {
          entry.score += gain;
          entry.matched++;
        } else scores.set(id, { id, score: gain, matched: 1 });
      }
    }
    return [...scores.values()].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit);
  }
}
