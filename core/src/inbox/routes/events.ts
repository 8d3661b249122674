/**
 * GET /inbox/events: the live stream of an open inbox page (Server-Sent Events), in the names the
 * page's htmx triggers listen for: "list" (the list changed), "contact-<id>" (a timeline got a
 * message), "conv-<id>-meta" (status or assignment changed), "typing-<id>" and "viewing-<id>" (HTML
 * naming who types in or has the conversation open) and "notify" (JSON for a browser notification,
 * notifications.ts). Only events the agent may see (core/src/access/events.ts) are sent.
 */
import { Hono } from "hono";
import { createEventAccess } from "../../access/index.ts";
import { findAgent } from "../../auth/agents.ts";
import type { SwitchboardEvent } from "../../events/types.ts";
import { EventStreams } from "../../http/sse.ts";
import type { Services } from "../../services.ts";
import { type Conversation, findConversation } from "../../store/conversations.ts";
import type { InboxEnv } from "../env.ts";
import { notificationFor } from "../notifications.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The conversation an event is about. */
function conversationOf(event: SwitchboardEvent): number | undefined {
  const data = event.data as { conversationId?: number; targetId?: number };
  return data.conversationId ?? data.targetId;
}

export function eventRoutes(sb: Services): { app: Hono<InboxEnv>; closeAll: () => void } {
  const app = new Hono<InboxEnv>();
  const streams = new EventStreams(sb.bus, sb.log);
  // Every open stream gets the same event object: read its conversation once, not once per open tab.
  const lookups = new WeakMap<SwitchboardEvent, Promise<Conversation | undefined>>();
  const conversationFor = (event: SwitchboardEvent, id: number) => {
    let lookup = lookups.get(event);
    if (!lookup) lookups.set(event, (lookup = findConversation(sb.store.db, id)));
    return lookup;
  };

  // The name of the agent a typing or viewing event is about, read once per event.
  const names = new WeakMap<SwitchboardEvent, Promise<string | undefined>>();
  const agentNameFor = (event: SwitchboardEvent, agentId: number | undefined) => {
    if (agentId === undefined) return Promise.resolve(undefined);
    let lookup = names.get(event);
    if (!lookup) names.set(event, (lookup = findAgent(sb.store.db, agentId).then((a) => a?.name)));
    return lookup;
  };

  const canSee = createEventAccess(sb.store.db);
  app.get("/inbox/events", (c) => {
    const viewer = c.get("viewer");
    const self = c.get("session").agent.id;
    let listPending = false;
    return streams.open(c, "inbox-sse", async (event, send) => {
      const listChanged = () => {
        if (listPending) return;
        listPending = true;
        setTimeout(() => {
          listPending = false;
          send("list");
        }, 150);
      };
      const id = conversationOf(event);
      if (id === undefined || !(await canSee(viewer, event))) return;
      const conversation = await conversationFor(event, id);
      if (!conversation) return;
      switch (event.name) {
        case "message.created":
        case "message.updated":
          send(`contact-${conversation.contactId}`);
          listChanged();
          break;
        case "conversation.created":
        case "sla.warning":
        case "sla.breached":
          listChanged();
          break;
        case "conversation.status_changed":
        case "conversation.assigned":
        case "conversation.merged":
        case "conversation.unmerged":
          send(`conv-${id}-meta`);
          send(`contact-${conversation.contactId}`);
          listChanged();
          break;
        case "agent.mentioned":
          // The mentioned agent's list shows the mention marker.
          if ((event.data as SwitchboardEvent<"agent.mentioned">["data"]).agentId === self) listChanged();
          break;
        case "typing": {
          const data = event.data as SwitchboardEvent<"typing">["data"];
          if (data.who === "agent" && data.agentId === self) break;
          const who = data.who === "contact" ? "The customer" : ((await agentNameFor(event, data.agentId)) ?? "An agent");
          if (data.viewing) send(`viewing-${id}`, `<span data-viewing="${data.agentId ?? ""}">${escapeHtml(who)} is viewing</span>`);
          else send(`typing-${id}`, `<span data-typing>${escapeHtml(who)} is typing…</span>`);
          break;
        }
      }
      const note = notificationFor(event, conversation, self);
      if (note) send("notify", JSON.stringify(note));
    });
  });

  return { app, closeAll: () => streams.closeAll() };
}
