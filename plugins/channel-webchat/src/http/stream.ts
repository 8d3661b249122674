/**
 * GET /inboxes/:inbox/stream?after=<seq>: the visitor's live connection (Server-Sent Events).
 *
 * It first sends every log entry after `after` (catch-up), then `event: ready`, then live events as
 * they happen. The connection is registered before the catch-up is read, and live events that
 * arrive meanwhile wait in a queue; entries are sent in seq order and never twice, so a reconnect
 * loses nothing and repeats nothing. A live entry that skips a seq (a push missed, or two processes'
 * pushes crossing) or a push of a seq alone reads the log again from the last seq sent, the same
 * way. Heartbeat comments keep proxies from closing an idle stream.
 *
 *   id: 7                         event: typing            : hb
 *   event: message                data: {"who":"agent"}
 *   data: {"seq":7,"text":"Hi",…}
 */
import { ErrorCodes } from "@switchboard/core";
import type { Context } from "hono";
import { webchatError } from "../errors.ts";
import type { Connection, LiveEvent } from "../hub.ts";
import type { WebchatEnv } from "./guard.ts";

/** A client this many chunks behind is dropped; it reconnects and catches up. */
const MAX_QUEUED_CHUNKS = 256;
const encoder = new TextEncoder();

function format(event: LiveEvent): string {
  switch (event.event) {
    case "message":
      return `id: ${event.entry.seq}\nevent: message\ndata: ${JSON.stringify(event.entry)}\n\n`;
    case "typing":
      return `event: typing\ndata: ${JSON.stringify({ who: event.who })}\n\n`;
    case "ready":
      return `event: ready\ndata: ${JSON.stringify({ last_seq: event.last_seq })}\n\n`;
    case "stored":
      return "";
  }
}

function acquireStreams(c: Context<WebchatEnv>): () => void {
  const inbox = c.get("inbox");
  const visitorSlot = inbox.limits.visitorStreams.acquire(c.get("visitor").visitorId);
  const ipSlot = visitorSlot ? inbox.limits.ipStreams.acquire(c.get("ip")) : undefined;
  if (!visitorSlot || !ipSlot) {
    visitorSlot?.();
    const which = visitorSlot
      ? `${inbox.options.rate_limit.streams_per_ip} per network`
      : `${inbox.options.rate_limit.streams_per_visitor} per visitor`;
    throw webchatError(
      ErrorCodes.FORBIDDEN,
      429,
      "too_many_streams",
      `Too many open chat connections (at most ${which}). Close other tabs with this chat.`,
      { retryAfterMs: 5000 },
    );
  }
  return () => {
    visitorSlot();
    ipSlot();
  };
}

/**
 * The stream handler.
 *
 * @example
 * api.get("/inboxes/:inbox/stream", requireVisitor, liveStream);
 */
export function liveStream(c: Context<WebchatEnv>): Response {
  const inbox = c.get("inbox");
  const visitorId = c.get("visitor").visitorId;
  const after = Math.max(0, Number.parseInt(c.req.query("after") ?? "0", 10) || 0);
  const release = acquireStreams(c);
  // Bun closes a response idle for 10 s (its default idleTimeout); lift that for this stream.
  (c.env as { timeout?: (request: Request, seconds: number) => void } | undefined)?.timeout?.(c.req.raw, 0);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  let catchingUp = true;
  let lastSeq = after;
  const queued: LiveEvent[] = [];
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let removeFromHub = () => {};

  const write = (text: string) => {
    if (!open) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS) return close("error");
    controller.enqueue(encoder.encode(text));
  };
  const send = (event: LiveEvent) => {
    if (event.event === "stored") return; // its entry came with the reading of the log
    if (event.event === "message") {
      if (event.entry.seq <= lastSeq) return;
      lastSeq = event.entry.seq;
    }
    write(format(event));
  };
  /** Sends the log after the last seq sent, then what was queued meanwhile (the first time, then `ready`); closes the stream when the log cannot be read. */
  const catchUp = async (first = false): Promise<void> => {
    catchingUp = true;
    try {
      for (const entry of await inbox.history.after(visitorId, lastSeq)) send({ event: "message", entry });
    } catch (error) {
      inbox.log.error(
        { visitorId, error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) },
        "webchat catch-up failed; closing the stream so the widget reconnects",
      );
      return close("end");
    }
    catchingUp = false;
    for (const event of queued.splice(0)) send(event);
    if (!first || !open) return;
    send({ event: "ready", last_seq: lastSeq });
    heartbeat = setInterval(() => write(": hb\n\n"), inbox.options.heartbeat_seconds * 1000);
  };
  const live = (event: LiveEvent) => {
    if (catchingUp) return void queued.push(event);
    const missed = event.event === "stored" ? event.seq > lastSeq : event.event === "message" && event.entry.seq > lastSeq + 1;
    if (!missed) return send(event);
    queued.push(event);
    void catchUp();
  };
  /** "end": finish the stream; "error": drop it now (a client too slow to read); "gone": the client left. */
  const close = (how: "end" | "error" | "gone") => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    removeFromHub();
    release();
    if (how === "end") controller.close();
    if (how === "error") controller.error(new Error("The visitor's connection fell too far behind; it will reconnect and catch up."));
  };
  const connection: Connection = { visitorId, push: live, close: () => close("end") };

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
    cancel() {
      close("gone");
    },
  });
  c.req.raw.signal.addEventListener("abort", () => close("gone"), { once: true });

  removeFromHub = inbox.hub.add(connection);
  write(": connected\n\n");
  void catchUp(true);
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no" },
  });
}
