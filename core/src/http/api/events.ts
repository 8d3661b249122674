/**
 * GET /events: every bus event as Server-Sent Events (`event: <name>`, `id: <event id>`,
 * `data: <snake_case JSON>`), with a comment line every 15 s so proxies keep the connection open.
 * A client that goes away is unsubscribed; stopping Switchboard closes every stream.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { describeError } from "../../errors/index.ts";
import { wireData } from "../../events/wire.ts";
import type { Switchboard } from "../../switchboard.ts";
import type { ApiApp } from "./app.ts";
import { errors } from "./schemas.ts";

export const HEARTBEAT_MS = 15_000;

const events = createRoute({
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "Live stream of every event (Server-Sent Events)",
  description: "Each event has `event: <name>` (message.created, conversation.status_changed, ...), `id:` and `data:` with the event's JSON (snake_case keys). A `: heartbeat` comment comes every 15 seconds.",
  responses: { 200: { description: "An endless text/event-stream", content: { "text/event-stream": { schema: z.string() } } }, 401: errors[401] },
});

/**
 * Registers GET /events. Returns a function that closes every open stream (for shutdown).
 *
 * @example
 * const closeStreams = registerEventRoute(v1, switchboard);
 */
export function registerEventRoute(app: ApiApp, sb: Switchboard): () => void {
  const open = new Set<() => void>();

  app.openapi(events, (c) =>
    streamSSE(c, async (stream) => {
      let writing: Promise<unknown> = Promise.resolve();
      // Writes are chained, never awaited by the bus: a slow client must not hold up bus.idle().
      const send = (write: () => Promise<unknown>) => {
        writing = writing.then(write).catch((error: unknown) => sb.log.warn({ error: describeError(error) }, "SSE write failed"));
      };
      let close = () => {};
      const closed = new Promise<void>((resolve) => (close = resolve));
      stream.onAbort(close);
      open.add(close);
      const off = sb.bus.on("*", (event) => send(() => stream.writeSSE({ event: event.name, id: event.id, data: JSON.stringify(wireData(event)) })), "sse");
      try {
        send(() => stream.write(": connected\n\n"));
        while (!stream.aborted) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const beat = new Promise<"beat">((resolve) => (timer = setTimeout(resolve, HEARTBEAT_MS, "beat")));
          const woke = await Promise.race([beat, closed.then(() => "closed" as const)]);
          clearTimeout(timer);
          if (woke === "closed") break;
          send(() => stream.write(": heartbeat\n\n"));
        }
      } finally {
        off();
        open.delete(close);
      }
    }),
  );

  return () => open.forEach((close) => close());
}
