/**
 * The outbound pipeline: an agent's reply (or private note) is written together with its outbox row
 * in one transaction; the delivery worker sends it afterwards. Replies go to the conversation's
 * inbox unless the agent picks another inbox the contact can be reached on (see reach.ts).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import { conversationState, messageEventData } from "../events/message-data.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import { type AttachmentInput, insertAttachments } from "../store/attachments.ts";
import { findContact, identitiesOf } from "../store/contacts.ts";
import { findConversation } from "../store/conversations.ts";
import type { Store, Tx } from "../store/index.ts";
import type { Message } from "../store/messages.ts";
import { conversations, messages, outbox } from "../store/schema.ts";
import type { InboxRuntime } from "./inboxes.ts";
import { canReach, unreachableReason } from "./reach.ts";
import { assertReplyAllowed, prepareTemplate, replyWindowState } from "./reply-window.ts";

export interface ReplyInput {
  conversationId: number;
  text: string;
  html?: string;
  /** The agent who writes; null for automations and API tokens without an agent. */
  agentId: number | null;
  /** "note" is private: stored, never sent. */
  kind?: "reply" | "note";
  /** Send on another inbox that can reach the contact (reach.ts). Default: the conversation's inbox. */
  inbox?: string;
  /** Files to send, bytes in base64 (`data`) or a URL. */
  attachments?: AttachmentInput[];
  /** Stored on the message (automations mark their messages with `automation: <rule>`). */
  metadata?: Record<string, unknown>;
  /**
   * Send an approved template of the inbox (`ChannelAdapter.replyWindow.templates`) instead of
   * free text; `text` is then its body with the variables filled (given ones, else from the contact).
   */
  template?: { name: string; language?: string; variables?: Record<string, string> };
}

export class OutboundPipeline {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #inboxes: InboxRuntime;
  readonly #onQueued: () => void;

  constructor(deps: { store: Store; clock: Clock; bus: EventBus; inboxes: InboxRuntime; onQueued: () => void }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#bus = deps.bus;
    this.#inboxes = deps.inboxes;
    this.#onQueued = deps.onQueued;
  }

  /**
   * Stores a reply with its outbox row (or a note), then wakes the delivery worker.
   * Throws SWB_ERR_NOT_FOUND, or SWB_ERR_VALIDATION with the reason (text too long for the channel,
   * unknown inbox, a contact who cannot be reached on the chosen inbox, an unknown template), or
   * SWB_ERR_REPLY_WINDOW_CLOSED when the channel's reply window forbids the send (reply-window.ts).
   * `within` runs in the same transaction once the message and its outbox row are written: if it
   * throws, nothing of the reply is stored (send-later marks its schedule sent this way). Events it
   * returns (recorded with `bus.record` in `tx`) are announced after `message.created`.
   *
   * @example
   * await switchboard.outbound.reply({ conversationId: 42, agentId: 3, text: "On its way!" });
   */
  async reply(
    input: ReplyInput,
    options: { within?: (tx: Tx, message: Message) => Promise<SwitchboardEvent[] | undefined> } = {},
  ): Promise<Message> {
    const kind = input.kind ?? "reply";
    const conversation = await findConversation(this.#store.db, input.conversationId);
    if (!conversation) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${input.conversationId} does not exist.`);
    if (input.text.trim() === "" && !input.attachments?.length && !input.template)
      throw new SwitchboardError(ErrorCodes.VALIDATION, "A reply needs text or an attachment.");
    const inboxName = kind === "note" ? conversation.inbox : (input.inbox ?? conversation.inbox);
    const inbox = this.#inboxes.get(inboxName);
    if (!inbox)
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `There is no inbox "${inboxName}". Pick one of: ${this.#inboxes.names().join(", ")}.`,
      );
    let text = input.text;
    let metadata = input.metadata ?? {};
    if (kind === "reply" && inbox.adapter?.replyWindow) {
      const contact = await findContact(this.#store.db, conversation.contactId);
      if (input.template && contact) {
        const prepared = await prepareTemplate(inbox, contact, input.template, input.template.variables);
        text = prepared.text;
        metadata = { ...metadata, template: prepared.send };
      }
      const state = await replyWindowState(this.#store.db, inbox, conversation.contactId, this.#clock.now());
      assertReplyAllowed(state, inbox.name, { template: input.template !== undefined });
    } else if (input.template) {
      throw new SwitchboardError(ErrorCodes.VALIDATION, `The inbox "${inbox.name}" offers no templates. Send a normal reply.`);
    }
    if (kind === "reply") {
      const limit = inbox.adapter?.limits?.maxTextLength;
      if (limit !== undefined && text.length > limit) {
        throw new SwitchboardError(
          ErrorCodes.VALIDATION,
          `The reply is ${text.length} characters; the ${inbox.channel} channel takes at most ${limit}. Shorten it or split it.`,
        );
      }
      if (inboxName !== conversation.inbox) {
        const [contact, identities] = await Promise.all([
          findContact(this.#store.db, conversation.contactId),
          identitiesOf(this.#store.db, conversation.contactId),
        ]);
        if (!contact || !canReach(inbox, contact, identities)) throw new SwitchboardError(ErrorCodes.VALIDATION, unreachableReason(inbox));
      }
    }

    const now = this.#clock.now();
    const { stored, events } = await this.#store.write(async (tx) => {
      const [row] = await tx
        .insert(messages)
        .values({
          conversationId: conversation.id,
          contactId: conversation.contactId,
          inbox: inbox.name,
          channel: inbox.channel,
          direction: kind === "note" ? "note" : "outgoing",
          authorAgentId: input.agentId,
          text,
          html: input.template ? null : (input.html ?? null),
          metadata,
          deliveryStatus: kind === "note" ? "sent" : "queued",
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const message = row!;
      await insertAttachments(tx, message.id, input.attachments, now);
      if (kind === "reply") {
        await tx.insert(outbox).values({ messageId: message.id, inbox: inbox.name, nextAttemptAt: now, createdAt: now, updatedAt: now });
      }
      const more = (await options.within?.(tx, message)) ?? [];
      if (kind === "reply") {
        await tx
          .update(conversations)
          .set({ firstResponseAt: now })
          .where(and(eq(conversations.id, conversation.id), isNull(conversations.firstResponseAt)));
      }
      await tx.update(conversations).set({ lastActivityAt: now, updatedAt: now }).where(eq(conversations.id, conversation.id));
      const event = await this.#bus.record(tx, "message.created", {
        ...messageEventData(message),
        conversation: conversationState(conversation),
      });
      // In log order: `within`'s events were recorded first, and a stream drops an event older than the last it sent.
      return { stored: message, events: [...more, event] };
    });
    this.#bus.announce(...events);
    if (kind === "reply") this.#onQueued();
    return stored;
  }
}
