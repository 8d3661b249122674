/**
 * This team's past answers: question → answer pairs of resolved conversations, kept in the
 * plugin's storage (`pairs:<conversation id>`) and ranked in memory with BM25 over the questions.
 * A conversation is learnt when it is resolved (again: only its new replies are added), and a job
 * walks the conversations resolved before the plugin was enabled, 200 at a time, from a cursor.
 */
import type { PluginContext } from "@switchboard/core";
import { Bm25Index } from "./bm25.ts";
import { type AnswerPair, answerPairs } from "./pairs.ts";
import { terms } from "./words.ts";

const PAGE = 200;
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
  /** Learning of one conversation at a time (an event and the backfill may meet). */
  readonly #learning = new Map<number, Promise<void>>();
  #loaded: Promise<void> | undefined;

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** How many answers are indexed. */
  get size(): number {
    return this.#index.size;
  }

  /** Reads the stored pairs into the index, once (every other call waits for the same load). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (const { value } of await this.#ctx.kv.list("pairs:")) for (const pair of value as AnswerPair[]) this.#add(pair);
      this.#ctx.log.info({ answers: this.size }, "past answers loaded");
    })();
    return this.#loaded;
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

  /**
   * Learns a conversation's pairs (only replies not learnt before).
   *
   * @example
   * ctx.on("conversation.status_changed", (e) => e.data.to === "resolved" && answers.learn(e.data.conversationId));
   */
  learn(conversationId: number): Promise<void> {
    const previous = this.#learning.get(conversationId) ?? Promise.resolve();
    const next = previous.then(async () => {
      await this.load();
      const known = ((await this.#ctx.kv.get<AnswerPair[]>(KEY(conversationId))) ?? []) as AnswerPair[];
      const seen = new Set(known.map((p) => p.messageId));
      const fresh = answerPairs(conversationId, await this.#ctx.conversations.messages(conversationId, { limit: 1000 })).filter(
        (p) => !seen.has(p.messageId),
      );
      if (fresh.length === 0) return;
      await this.#ctx.kv.set(KEY(conversationId), [...known, ...fresh]);
      for (const pair of fresh) this.#add(pair);
    });
    const settled = next.finally(() => {
      if (this.#learning.get(conversationId) === settled) this.#learning.delete(conversationId);
    });
    this.#learning.set(conversationId, settled);
    return settled;
  }

  /**
   * One page of the backfill: learns the next resolved conversations after the stored cursor, and
   * schedules the next page while there are more.
   */
  async backfill(): Promise<void> {
    const cursor = (await this.#ctx.kv.get<number>("backfill:cursor")) ?? 0;
    const page = await this.#ctx.conversations.list({ status: "resolved", afterId: cursor, limit: PAGE });
    for (const conversation of page) await this.learn(conversation.id);
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
    const pairsOf = new Map<number, AnswerPair[]>();
    for (const hit of this.#index.search(query, options.limit * 3)) {
      const conversationId = this.#conversationIds[hit.id]!;
      if (conversationId === options.exceptConversationId) continue;
      let pairs = pairsOf.get(conversationId);
      if (!pairs) pairsOf.set(conversationId, (pairs = (await this.#ctx.kv.get<AnswerPair[]>(KEY(conversationId))) ?? []));
      const pair = pairs.find((p) => p.messageId === this.#messageIds[hit.id]);
      if (pair) found.push({ ...pair, score: hit.score, coverage: hit.matched / distinct });
      if (found.length === options.limit) break;
    }
    return found;
  }
}
