/**
 * Server-Sent Event streams fed by the event bus (or another source, such as a channel's status
 * panel), shared by the REST API's /events, the inbox's live stream and the admin pages: writes
 * are chained (a slow client never holds up the bus), a comment line keeps proxies from closing an
 * idle stream, and every open stream can be closed at shutdown.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { describeError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Logger } from "../log/index.ts";

export const HEARTBEAT_MS = 15_000;
/** The most logged events a reconnecting client is sent before the live ones. */
export const CATCH_UP_LIMIT = 1_000;

/** A `Last-Event-ID` header's log position, or undefined when there is none (or it is not one of ours). */
function lastEventId(header: string | undefined): number | undefined {
  if (!header || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}

/** Sends one SSE message (`event:` name and `data:`) on a stream. */
export type SendEvent = (event: string, data?: string, id?: string) => void;

export class EventStreams {
  readonly #open = new Set<() => void>();
  readonly #bus: EventBus;
  readonly #log: Logger;

  constructor(bus: EventBus, log: Logger) {
    this.#bus = bus;
    this.#log = log;
  }

  /**
   * Answers `c` with an SSE stream; `onEvent` decides what each bus event becomes (if anything).
   * What it sends carries the event's log position as its SSE `id`, so a client that reconnects
   * with `Last-Event-ID` first gets the logged events it missed (up to CATCH_UP_LIMIT; then a
   * `catch-up-truncated` event says to reload), then the live ones, each once and in order.
   *
   * @example
   * app.get("/events", (c) => streams.open(c, "sse", (event, send) => send(event.name, JSON.stringify(event.data))));
   */
  open(c: Context, owner: string, onEvent: (event: SwitchboardEvent, send: SendEvent) => Promise<void> | void): Response {
    const resumeAfter = lastEventId(c.req.header("Last-Event-ID"));
    return this.stream(c, owner, (send) => {
      // Live events may come slightly out of log order (two commits announced in turn); only the
      // ones the catch-up already sent are skipped.
      let replayed = resumeAfter ?? 0;
      const deliver = (event: SwitchboardEvent) => {
        if (event.seq !== undefined && event.seq <= replayed) return;
        // An ephemeral event (typing) has no position: no `id:`, so the client keeps its last one.
        const withId: SendEvent = (name, data, id) => send(name, data, id ?? (event.seq === undefined ? undefined : event.id));
        return onEvent(event, withId);
      };
      if (resumeAfter === undefined) return this.#bus.on("*", deliver, owner);
      // Live events wait in `held` until the missed ones are out, so the order holds.
      let held: SwitchboardEvent[] | undefined = [];
      const off = this.#bus.on("*", (event) => (held ? void held.push(event) : deliver(event)), owner);
      const catchUp = async () => {
        const missed = await this.#bus.replay(resumeAfter, CATCH_UP_LIMIT);
        for (const event of missed) {
          await deliver(event);
          replayed = event.seq!;
        }
        if (missed.length === CATCH_UP_LIMIT) send("catch-up-truncated", JSON.stringify({ after: resumeAfter, sent: missed.length }));
        const waiting = held ?? [];
        held = undefined;
        for (const event of waiting) await deliver(event);
      };
      catchUp().catch((error: unknown) => {
        this.#log.warn({ owner, error: describeError(error) }, "SSE catch-up from the event log failed; going on live");
        const waiting = held ?? [];
        held = undefined;
        for (const event of waiting) void deliver(event);
      });
      return off;
    });
  }

  /**
   * Answers `c` with an SSE stream fed by any source: `subscribe` starts sending and returns what
   * stops it (called when the client goes or at shutdown). Heartbeats and write chaining as `open`.
   *
   * @example
   * app.get("/panel", (c) => streams.stream(c, "panel", (send) => panel.subscribe(() => send("panel", render()))));
   */
  stream(c: Context, owner: string, subscribe: (send: SendEvent) => () => void): Response {
    // Bun.serve closes a connection idle for 10 s by default; a live stream is idle between events.
    const server = c.env as { timeout?: (request: Request, seconds: number) => void } | undefined;
    if (typeof server?.timeout === "function") server.timeout(c.req.raw, 0);
    // A reverse proxy must pass events on as they come (nginx buffers unless told not to).
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, async (stream) => {
      let writing: Promise<unknown> = Promise.resolve();
      const write = (next: () => Promise<unknown>) => {
        writing = writing.then(next).catch((error: unknown) => this.#log.warn({ owner, error: describeError(error) }, "SSE write failed"));
      };
      const send: SendEvent = (event, data = "", id) => write(() => stream.writeSSE({ event, data, ...(id ? { id } : {}) }));
      let close = () => {};
      const closed = new Promise<void>((resolve) => (close = resolve));
      stream.onAbort(close);
      this.#open.add(close);
      const off = subscribe(send);
      try {
        write(() => stream.write(": connected\n\n"));
        while (!stream.aborted) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const beat = new Promise<"beat">((resolve) => (timer = setTimeout(resolve, HEARTBEAT_MS, "beat")));
          const woke = await Promise.race([beat, closed.then(() => "closed" as const)]);
          clearTimeout(timer);
          if (woke === "closed") break;
          write(() => stream.write(": heartbeat\n\n"));
        }
      } finally {
        off();
        this.#open.delete(close);
        await writing;
      }
    });
  }

  /** Ends every open stream (on shutdown). */
  closeAll(): void {
    this.#open.forEach((close) => close());
  }
}
