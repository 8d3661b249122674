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
   * The best `limit` documents for the query terms, best first. Scores accumulate in typed arrays
   * indexed by document id (ids should be small and dense: 0, 1, 2, ...), and only the best
   * `limit` are kept while scanning, so a common word costs one pass over its postings.
   *
   * @example
   * index.add(1, terms("Where is my refund?"));
   * index.search(terms("refund status"), 3); // [{ id: 1, score: 0.28, matched: 1 }]
   */
  search(query: string[], limit: number): Scored[] {
    const n = this.#lengths.size;
    if (n === 0 || limit <= 0) return [];
    const average = this.#totalLength / n || 1;
    const touched: number[] = [];
    for (const word of new Set(query)) {
      const list = this.#postings.get(word);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
      for (let i = 0; i < list.size; i++) {
        const id = list.ids[i]!;
        const length = this.#lengths.get(id);
        if (length === undefined) continue;
        this.#reserve(id);
        const tf = list.tfs[i]!;
        if (this.#matched[id] === 0) touched.push(id);
        this.#scores[id]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average));
        this.#matched[id]!++;
      }
    }
    const top: Scored[] = [];
    for (const id of touched) {
      const score = this.#scores[id]!;
      const matched = this.#matched[id]!;
      this.#scores[id] = 0;
      this.#matched[id] = 0;
      if (top.length === limit && score <= top[limit - 1]!.score) continue;
      let at = top.length;
      while (at > 0 && (top[at - 1]!.score < score || (top[at - 1]!.score === score && top[at - 1]!.id > id))) at--;
      top.splice(at, 0, { id, score, matched });
      if (top.length > limit) top.pop();
    }
    return top;
  }

  #scores = new Float64Array(1024);
  #matched = new Uint8Array(1024);

  /** Grows the score arrays to hold `id`. */
  #reserve(id: number): void {
    if (id < this.#scores.length) return;
    let size = this.#scores.length;
    while (size <= id) size *= 2;
    const scores = new Float64Array(size);
    scores.set(this.#scores);
    const matched = new Uint8Array(size);
    matched.set(this.#matched);
    this.#scores = scores;
    this.#matched = matched;
  }
}
