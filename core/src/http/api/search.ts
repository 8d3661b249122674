/**
 * GET /search?q=: full-text search (FTS5) over message text, newest matches first, each hit with its
 * conversation and a highlighted snippet. Activity entries are left out.
 */
import { z } from "@hono/zod-openapi";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { messageSearchMatch, searchMessages } from "../../store/search.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { json, PageQuery, pageOf, SearchHitSchema } from "./schemas.ts";

const search = routes("Search")({
  method: "get",
  path: "/search",
  summary: "Search messages",
  request: {
    query: PageQuery.extend({
      q: z.string().min(1).max(256).openapi({
        description:
          "Words to find, each with its inflections (refund finds refunds); a word no message holds is matched as a prefix (refu); quotes and operators are matched as text",
      }),
    }),
  },
  responses: { 200: json(pageOf(SearchHitSchema), "Matching messages, newest first") },
  errors: [422],
});

/**
 * Registers GET /search.
 *
 * @example
 * registerSearchRoute(v1, switchboard);
 */
export function registerSearchRoute(app: ApiApp, sb: Services): void {
  app.openapi(search, async (c) => {
    const q = c.req.valid("query");
    const match = await messageSearchMatch(sb.store, q.q);
    if (!match) throw new SwitchboardError(ErrorCodes.VALIDATION, "Invalid query: q: give at least one word to search for.");
    const offset = q.cursor ? decodeCursor(q.cursor, 1)[0]! : 0;
    const fetched = await searchMessages(sb.store.db, match, { limit: q.limit + 1, offset, inboxes: c.get("viewer").inboxes });
    const { rows, next } = page(fetched, q.limit, () => [offset + q.limit]);
    const data = rows.map((r) => ({
      message_id: r.id,
      conversation_id: r.conversation_id,
      contact_id: r.contact_id,
      inbox: r.inbox,
      channel: r.channel,
      direction: r.direction,
      created_at: r.created_at,
      snippet: r.snippet,
    }));
    return c.json({ data, next_cursor: next }, 200);
  });
}
