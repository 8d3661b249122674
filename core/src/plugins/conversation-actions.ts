/**
 * `ctx.conversations`: plugins read and change conversations, reply and ask customers to verify an
 * email or phone through the same domain actions agents use (updateConversation, the outbound
 * pipeline, verified linking), acting as themselves; they read messages and list conversations
 * through conversation-reads.ts.
 */
import { askToVerify } from "../contacts/verify-identity.ts";
import { updateConversation } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findConversation } from "../store/conversations.ts";
import { conversationMessages, listConversations } from "./conversation-reads.ts";
import type { ConversationActions } from "./types.ts";

/** A page size within 1..1000, `fallback` when not given. */
function clamp(limit: number | undefined, fallback: number): number {
  return Math.min(1000, Math.max(1, Math.trunc(limit ?? fallback) || fallback));
}

export type ActionServices = Pick<Services, "store" | "clock" | "bus" | "jobs" | "outbound" | "inboxes" | "loaded" | "log">;

/**
 * The conversation actions of one plugin. `services` is read when an action runs, so plugins can be
 * set up before the outbound pipeline exists.
 */
export function createConversationActions(services: () => ActionServices, plugin: string): ConversationActions {
  const actor = { id: null, name: plugin };
  return {
    async get(id) {
      const row = await findConversation(services().store.db, id);
      return (
        row && {
          id: row.id,
          contactId: row.contactId,
          inbox: row.inbox,
          channel: row.channel,
          status: row.status,
          priority: row.priority,
          assigneeId: row.assigneeId,
          teamId: row.teamId,
        }
      );
    },
    async update(id, change) {
      await updateConversation(services(), actor, id, change);
    },
    messages: (id, options = {}) => conversationMessages(services().store.db, id, clamp(options.limit, 200)),
    list: (query = {}) => listConversations(services().store.db, { ...query, limit: clamp(query.limit, 100) }),
    async reply(id, text, options = {}) {
      const sb = services();
      if (!(await findConversation(sb.store.db, id)))
        throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist.`);
      const message = await sb.outbound.reply({
        conversationId: id,
        text,
        agentId: null,
        kind: options.note ? "note" : "reply",
        inbox: options.inbox,
      });
      return { messageId: message.id };
    },
    async verify(id, kind) {
      const row = await askToVerify(services(), `plugin:${plugin}`, id, kind);
      return { id: row.id, status: row.status };
    },
  };
}
