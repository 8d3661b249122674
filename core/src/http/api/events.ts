/**
 * GET /events: every bus event the caller may see (core/src/access/events.ts) as Server-Sent Events (`event: <name>`, `id: <event id>`,
 * `data: <snake_case JSON>`), with a comment line every 15 s so proxies keep the connection open.
 * A client that goes away is unsubscribed; stopping Switchboard closes every stream.
 */
import { z } from "@hono/zod-openapi";
import { createEventAccess } from "../../access/index.ts";
import type { SwitchboardEvent } from "../../events/types.ts";
import { wireData } from "../../events/wire.ts";
import type { Services } from "../../services.ts";
import { EventStreams } from "../sse.ts";
import type { ApiApp } from "./app.ts";
import { routes } from "./route.ts";

const events = routes("Events")({
  method: "get",
  path: "/events",
  summary: "Live stream of the events this agent may see (Server-Sent Events)",
  description:
    "Each event has `event: <name>` (message.created, conversation.status_changed, ...), `id:` (the event's position in the durable event log; typing events have none) and `data:` with the event's JSON (snake_case keys). A client that reconnects with a `Last-Event-ID` header first gets the logged events it missed (at most 1,000, then a `catch-up-truncated` event), then the live ones. A `: heartbeat` comment comes every 15 seconds.",
  responses: { 200: { description: "An endless text/event-stream", content: { "text/event-stream": { schema: z.string() } } } },
});

/**
 * Registers GET /events. Returns a function that closes every open stream (for shutdown).
 *
 * @example
 * const closeStreams = registerEventRoute(v1, switchboard);
 */
export function registerEventRoute(app: ApiApp, sb: Services): () => void {
  const streams = new EventStreams(sb.bus, sb.log);
  // Every open stream gets the same event object: serialise it once, not once per client.
  const serialised = new WeakMap<SwitchboardEvent, string>();
  const json = (event: SwitchboardEvent) => {
    let data = serialised.get(event);
    if (data === undefined) serialised.set(event, (data = JSON.stringify(wireData(event))));
    return data;
  };
  const canSee = createEventAccess(sb.store.db);
  app.openapi(events, (c) => {
    const viewer = c.get("viewer");
    return streams.open(c, "api-sse", async (event, send) => {
      if (await canSee(viewer, event)) send(event.name, json(event));
    });
  });
  return () => streams.closeAll();
}
