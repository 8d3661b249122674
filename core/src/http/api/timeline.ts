/**
 * GET /contacts/{id}/timeline: every message of every conversation of a contact, on every channel,
 * in one chronological list (oldest first, cursor pages).
 */
import { visibleContact } from "../../access/index.ts";
import type { Services } from "../../services.ts";
import { contactTimeline } from "../../store/timeline.ts";
import type { ApiApp } from "./app.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { routes } from "./route.ts";
import { IdParams, json, MessageSchema, PageQuery, pageOf } from "./schemas.ts";
import { messagesJson } from "./serialize.ts";

const timeline = routes("Contacts")({
  method: "get", path: "/contacts/{id}/timeline", summary: "A contact's messages across all conversations and channels, oldest first",
  request: { params: IdParams, query: PageQuery },
  responses: { 200: json(pageOf(MessageSchema), "A page of the timeline") }, errors: [404, 422],
});

/**
 * Registers GET /contacts/{id}/timeline.
 *
 * @example
 * registerTimelineRoute(v1, switchboard);
 */
export function registerTimelineRoute(app: ApiApp, sb: Services): void {
  const { store } = sb;
  app.openapi(timeline, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await visibleContact(store.db, c.get("viewer"), id);
    const visible = c.get("viewer").inboxes;
    const after = q.cursor ? (decodeCursor(q.cursor, 2) as [number, number]) : undefined;
    const fetched = await contactTimeline(store.db, id, { limit: q.limit + 1, after, inboxes: visible });
    const { rows, next } = page(fetched, q.limit, (m) => [m.createdAt, m.id]);
    return c.json({ data: await messagesJson(store.db, rows), next_cursor: next }, 200);
  });
}
