/**
 * GET /contacts/{id}/timeline: every message of every conversation of a contact, on every channel,
 * in one chronological list (oldest first, cursor pages). Each entry says its channel; where the
 * customer went on on another channel, a `channel_switch` entry comes before the message, as the
 * inbox marks it. `limit` counts messages; markers come on top.
 */
import { z } from "@hono/zod-openapi";
import { visibleContact } from "../../access/index.ts";
import type { Services } from "../../services.ts";
import { decodeCursor, page } from "../../store/cursor.ts";
import { channelSwitches, contactTimeline, customerFacingBefore } from "../../store/timeline.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";
import { IdParams, json, MessageSchema, millis, PageQuery, pageOf } from "./schemas.ts";
import { messagesJson } from "./serialize.ts";

const TimelineMessageSchema = MessageSchema.extend({ type: z.literal("message") }).openapi("TimelineMessage");

const ChannelSwitchSchema = z
  .object({
    type: z.literal("channel_switch"),
    /** The channel the customer went on on. */
    channel: z.string(),
    from_channel: z.string(),
    conversation_id: z.number().int(),
    /** The first message on the new channel (the entry after this one). */
    message_id: z.number().int(),
    created_at: millis,
  })
  .openapi("ChannelSwitch");

const timeline = routes("Contacts")({
  method: "get",
  path: "/contacts/{id}/timeline",
  summary: "A contact's messages across all conversations and channels, oldest first, with a marker where the customer switched channel",
  request: { params: IdParams, query: PageQuery },
  responses: {
    200: json(
      pageOf(z.union([TimelineMessageSchema, ChannelSwitchSchema])),
      "A page of the timeline: messages, each with its channel, and channel_switch markers",
    ),
  },
  errors: [404, 422],
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
    const first = rows[0];
    const previous = after && first ? await customerFacingBefore(store.db, id, [first.createdAt, first.id], visible) : undefined;
    const switches = channelSwitches(rows, previous);
    const data = (await messagesJson(store.db, rows)).flatMap((message, i) => {
      const row = rows[i]!;
      const switched = switches.get(row.id);
      const entry = { type: "message" as const, ...message };
      if (!switched) return [entry];
      const marker = {
        type: "channel_switch" as const,
        channel: switched.to,
        from_channel: switched.from,
        conversation_id: row.conversationId,
        message_id: row.id,
        created_at: row.createdAt,
      };
      return [marker, entry];
    });
    return c.json({ data, next_cursor: next }, 200);
  });
}
