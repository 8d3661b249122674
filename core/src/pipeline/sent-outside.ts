/**
 * Messages the business sent from outside Switchboard (a reply typed in the network's own app:
 * Meta's Page inbox, the Instagram app), which the channel reports so the timeline stays whole
 * (`InboundMessage.sentOutside`). Stored as an outgoing message marked `metadata.sentOutside`,
 * delivery status "sent", in the contact's latest conversation on the inbox; it neither reopens the
 * conversation nor counts as the customer's message. A send to someone who never wrote on the
 * inbox is dropped (there is no conversation to put it in). Runs as the pipeline's first taker.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { identifyByIdentity } from "../contacts/identify.ts";
import type { EventBus } from "../events/bus.ts";
import { conversationState, messageEventData } from "../events/message-data.ts";
import type { InboundMessage, InboxInfo, IngestResult } from "../plugins/types.ts";
import { insertAttachments } from "../store/attachments.ts";
import type { Store } from "../store/index.ts";
import { conversations, messages } from "../store/schema.ts";
import type { Taker } from "./taker.ts";

/**
 * The taker that stores `sentOutside` messages (see the module comment).
 *
 * @example
 * pipeline.take(storeSentOutside({ store, clock, bus }));
 */
export function storeSentOutside(deps: { store: Store; clock: Clock; bus: EventBus }): Taker {
  return { mayTake: (message) => message.sentOutside === true, take: sentOutside };

  async function sentOutside(message: InboundMessage, inbox: InboxInfo): Promise<IngestResult | undefined> {
    const contact = await identifyByIdentity(deps.store.db, inbox, message);
    if (!contact) return { status: "dropped", reason: "sent outside Switchboard to someone who never wrote on this inbox" };
    const now = deps.clock.now();
    const stored = await deps.store.write(async (tx) => {
      const [conversation] = await tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.inbox, inbox.name), eq(conversations.contactId, contact.id)))
        .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
        .limit(1);
      if (!conversation) return undefined;
      const [row] = await tx
        .insert(messages)
        .values({
          conversationId: conversation.id,
          contactId: contact.id,
          inbox: inbox.name,
          channel: inbox.channel,
          direction: "outgoing",
          externalId: message.externalId,
          replyToExternalId: message.replyToExternalId ?? null,
          text: message.text,
          html: message.html ?? null,
          metadata: { ...(message.metadata ?? {}), sentOutside: true, ...(message.sentAt ? { sentAt: message.sentAt } : {}) },
          deliveryStatus: "sent",
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await insertAttachments(tx, row!.id, message.attachments, now);
      await tx.update(conversations).set({ lastActivityAt: now, updatedAt: now }).where(eq(conversations.id, conversation.id));
      return { row: row!, conversation };
    });
    if (!stored) return { status: "dropped", reason: "sent outside Switchboard to a contact with no conversation on this inbox" };
    await deps.bus.publish("message.created", { ...messageEventData(stored.row), conversation: conversationState(stored.conversation) });
    return { status: "stored", messageId: stored.row.id, conversationId: stored.conversation.id, contactId: contact.id };
  }
}
