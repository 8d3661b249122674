/**
 * This team's past answers: question → answer pairs of resolved conversations, kept in the
 * plugin's storage (`pairs:<conversation id>`) and ranked in memory with BM25 over the questions.
 * A conversation is learnt when it is resolved (again: only its new replies are added), and a job
 * walks the conversations resolved before the plugin was enabled, 200 at a time (one transaction
 * each), from a cursor. The pairs of recently suggested conversations are cached (2000).
 */
import type { PluginContext } from "@switchboard/core";
import { Bm25Index } from "./bm25.ts";
import { type AnswerPair, answerPairs } from "./pairs.ts";
import { terms } from "./words.ts";

const PAGE = 200;
const CACHE = 2000;
const KEY = (conversationId: number) => `pairs:${conversationId}`;
export const BACKFILL_JOB = "backfill-answers";

/** A past answer that matches a question. */
export interface PastAnswer extends AnswerPair {
  /** BM25 score of its question. */
  score: number;
  /** The share of the question's terms its question holds (0..1). */
  coverage: number;
}

type Ctx = Pick<PluginContext, "kv" | "conversations" | "log" | "jobs">;

export class PastAnswers {
  readonly #ctx: Ctx;
  readonly #index = new Bm25Index();
  /** Document number → the reply's message id and its conversation. */
  #messageIds = new Int32Array(1024);
  #conversationIds = new Int32Array(1024);
  #count = 0;
  /** Learning runs one batch at a time (an event and the backfill may meet). */
  #learning: Promise<void> = Promise.resolve();
  #loaded: Promise<void> | undefined;
  /** The stored pairs of recently suggested conversations (answers repeat), at most CACHE of them. */
  readonly #cache = new Map<number, AnswerPair[]>();

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** How many answers are indexed. */
  get size(): number {
    return this.#index.size;
  }

  /**
   * Reads the stored pairs into the index, once (every other call waits for the same load): a
   * ninetieth at a time (by the conversation id's first two digits; ids 1 to 9 one by one), giving
   * the event loop back between parts, so starting with 100k stored answers never holds up
   * Switchboard's start nor its messages for long.
   */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (let id = 1; id <= 9; id++) this.#addAll((await this.#ctx.kv.get<AnswerPair[]>(KEY(id))) ?? []);
      for (let prefix = 10; prefix <= 99; prefix++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        for (const { value } of await this.#ctx.kv.list(`pairs:${prefix}`)) this.#addAll(value as AnswerPair[]);
      }
      this.#ctx.log.info({ answers: this.size }, "past answers loaded");
    })();
    return this.#loaded;
  }

  #addAll(pairs: AnswerPair[]): void {
    for (const pair of pairs) this.#add(pair);
  }

  #add(pair: AnswerPair): void {
    if (this.#count === this.#messageIds.length) {
      const grow = (from: Int32Array) => {
        const to = new Int32Array(from.length * 2);
        to.set(from);
        return to;
      };
      this.#messageIds = grow(this.#messageIds);
      this.#conversationIds = grow(this.#conversationIds);
    }
    this.#messageIds[this.#count] = pair.messageId;
    this.#conversationIds[this.#count] = pair.conversationId;
    this.#index.add(this.#count, terms(pair.question));
    this.#count++;
  }

  /** The reply ids already indexed, for each of `conversations` that has any (one scan of the document table: no extra memory). */
  #known(conversations: Set<number>): Map<number, Set<number>> {
    const known = new Map<number, Set<number>>();
    for (let i = 0; i < this.#count; i++) {
      const conversationId = this.#conversationIds[i]!;
      if (!conversations.has(conversationId)) continue;
      const ids = known.get(conversationId) ?? new Set<number>();
      ids.add(this.#messageIds[i]!);
      known.set(conversationId, ids);
    }
    return known;
  }

  /**
   * Learns conversations' pairs (only replies not learnt before), stored in one transaction.
   *
   * @example
   * ctx.on("conversation.status_changed", (e) => e.data.to === "resolved" && answers.learn([e.data.conversationId]));
   */
  learn(conversationIds: number[]): Promise<void> {
    const next = this.#learning.then(async () => {
      await this.load();
      const entries: { key: string; value: AnswerPair[] }[] = [];
      const fresh: AnswerPair[] = [];
      const indexed = this.#known(new Set(conversationIds));
      for (const conversationId of conversationIds) {
        const known = indexed.get(conversationId) ?? new Set<number>();
        const pairs = answerPairs(conversationId, await this.#ctx.conversations.messages(conversationId, { limit: 1000 }));
        const added = pairs.filter((p) => !known.has(p.messageId));
        if (added.length === 0) continue;
        const kept = known.size === 0 ? [] : ((await this.#ctx.kv.get<AnswerPair[]>(KEY(conversationId))) ?? []);
        entries.push({ key: KEY(conversationId), value: [...kept, ...added] });
        fresh.push(...added);
        this.#cache.delete(conversationId);
      }
      if (entries.length === 0) return;
      if (this.#ctx.kv.setMany) await this.#ctx.kv.setMany(entries);
      else for (const entry of entries) await this.#ctx.kv.set(entry.key, entry.value);
      for (const pair of fresh) this.#add(pair);
    });
    // The caller gets the error; the queue goes on with the next batch.
    this.#learning = next.catch(() => undefined);
    return next;
  }

  /** A conversation's stored pairs, through the cache. */
  async #pairs(conversationId: number): Promise<AnswerPair[]> {
    const cached = this.#cache.get(conversationId);
    if (cached) {
      this.#cache.delete(conversationId);
      this.#cache.set(conversationId, cached);
      return cached;
    }
    const pairs = (await this.#ctx.kv.get<AnswerPair[]>(KEY(conversationId))) ?? [];
    this.#cache.set(conversationId, pairs);
    if (this.#cache.size > CACHE) this.#cache.delete(this.#cache.keys().next().value!);
    return pairs;
  }

  /**
   * One page of the backfill: learns the next resolved conversations after the stored cursor, and
   * schedules the next page while there are more.
   */
  async backfill(): Promise<void> {
    const cursor = (await this.#ctx.kv.get<number>("backfill:cursor")) ?? 0;
    const page = await this.#ctx.conversations.list({ status: "resolved", afterId: cursor, limit: PAGE });
    await this.learn(page.map((c) => c.id));
    if (page.length === 0) return;
    await this.#ctx.kv.set("backfill:cursor", page.at(-1)!.id);
    if (page.length === PAGE) await this.#ctx.jobs.schedule(BACKFILL_JOB, {}, { key: `${BACKFILL_JOB}:${page.at(-1)!.id}` });
  }

  /**
   * Past answers whose question best matches `question`, best first, leaving out one conversation
   * (the one being answered) and answers with no term in common.
   */
  async search(question: string, options: { limit: number; exceptConversationId?: number }): Promise<PastAnswer[]> {
    await this.load();
    const query = terms(question);
    const distinct = new Set(query).size;
    if (distinct === 0) return [];
    const found: PastAnswer[] = [];
    for (const hit of this.#index.search(query, options.limit * 3)) {
      const conversationId = this.#conversationIds[hit.id]!;
      if (conversationId === options.exceptConversationId) continue;
      const pairs = await this.#pairs(conversationId);
      const pair = pairs.find((p) => p.messageId === this.#messageIds[hit.id]);
      if (pair) found.push({ ...pair, score: hit.score, coverage: hit.matched / distinct });
      if (found.length === options.limit) break;
    }
    return found;
  }
}
