/**
 * `ctx.knowledge`: the read-only view of the knowledge base plugins get (published articles only).
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { KnowledgeBase } from "../plugins/types.ts";
import type { Store } from "../store/index.ts";
import { getArticle } from "./articles.ts";
import { markdownToText } from "./markdown.ts";
import { searchArticles } from "./search.ts";

/**
 * The knowledge base as plugins read it.
 *
 * @example
 * const knowledge = createKnowledgeBase(store);
 * const [best] = await knowledge.search("refund", { limit: 1 });
 */
export function createKnowledgeBase(store: Pick<Store, "db">): KnowledgeBase {
  return {
    search: (text, options) => searchArticles(store.db, text, options),
    async get(id) {
      try {
        const row = await getArticle(store.db, id, { publishedOnly: true });
        return {
          id: row.id,
          title: row.title,
          body: row.body,
          text: markdownToText(row.body),
          tags: row.tags,
          locale: row.locale,
          updatedAt: row.updatedAt,
        };
      } catch (error) {
        if (error instanceof SwitchboardError && error.code === ErrorCodes.NOT_FOUND) return undefined;
        throw error;
      }
    },
  };
}
