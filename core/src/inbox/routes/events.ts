/**
 * GET /inbox/events: the live stream of an open inbox page (Server-Sent Events), in the names the
 * page's htmx triggers listen for: "list" (the list changed), "contact-<id>" (a timeline got a
 * message), "conv-<id>-meta" (status or assignment changed) and "typing-<id>" (HTML for the typing
 * line). Only events about inboxes the agent may see are sent.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { describeError } from "../../errors/index.ts";
import type { SwitchboardEvent } from "../../events/types.ts";
import { findConversation } from "../../store/conversations.ts";
import type { Switchboard } from "../../switchboard.ts";
import type { InboxEnv } from "../env.ts";

export const HEARTBEAT_MS = 15_000;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The conversation an event is about. */
function conversationOf(event: SwitchboardEvent): number | undefined {
  const data = event.data as { conversationId?: number; targetId?: number };
  return data.conversationId ?? data.targetId;
}

export function eventRoutes(sb: Switchboard): { app: Hono<InboxEnv>; closeAll: () => void } {
  const app = new Hono<InboxEnv>();
  const open = new Set<() => void>();

  app.get("/inbox/events", (c) => {
    const visible = new Set(c.get("visible"));
    const self = c.get("session").agent.id;
    return streamSSE(c, async (stream) => {
      let writing: Promise<unknown> = Promise.resolve();
      const send = (event: string, data = "") => {
        writing = writing.then(() => stream.writeSSE({ event, data })).catch((error: unknown) => sb.log.warn({ error: describeError(error) }, "inbox SSE write failed"));
      };
      let listPending = false;
      const listChanged = () => {
        if (listPending) return;
        listPending = true;
        setTimeout(() => {
          listPending = false;
          send("list");
        }, 150);
      };
      const off = sb.bus.on("*", async (event) => {
        const id = conversationOf(event);
        if (id === undefined) return;
        const conversation = await findConversation(sb.store.db, id);
        if (!conversation || !visible.has(conversation.inbox)) return;
        switch (event.name) {
          case "message.created":
          case "message.updated":
            send(`contact-${conversation.contactId}`);
            listChanged();
            break;
          case "conversation.created":
            listChanged();
            break;
          case "conversation.status_changed":
          case "conversation.assigned":
          case "conversation.merged":
            send(`conv-${id}-meta`);
            send(`contact-${conversation.contactId}`);
            listChanged();
            break;
          case "typing": {
            const data = event.data as SwitchboardEvent<"typing">["data"];
            if (data.who === "agent" && data.agentId === self) break;
            const who = data.who === "contact" ? "The customer" : "An agent";
            send(`typing-${id}`, `<span data-typing>${escapeHtml(who)} is typing…</span>`);
            break;
          }
        }
      }, "inbox-sse");
      let close = () => {};
      const closed = new Promise<void>((resolve) => (close = resolve));
      stream.onAbort(close);
      open.add(close);
      try {
        await stream.write(": connected\n\n");
        while (!stream.aborted) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const beat = new Promise<"beat">((resolve) => (timer = setTimeout(resolve, HEARTBEAT_MS, "beat")));
          const woke = await Promise.race([beat, closed.then(() => "closed" as const)]);
          clearTimeout(timer);
          if (woke === "closed") break;
          writing = writing.then(() => stream.write(": heartbeat\n\n"));
        }
      } finally {
        off();
        open.delete(close);
        await writing;
      }
    });
  });

  return { app, closeAll: () => open.forEach((close) => close()) };
}
