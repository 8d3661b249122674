/**
 * A message the customer deleted on the network (`InboundMessage.deleted`, e.g. Messenger's unsend):
 * its text, html and files are removed from the store and `metadata.deleted` records when, so the
 * agent sees that it was deleted but no longer what it said. A deletion of a message never stored
 * is dropped; a repeated one changes nothing.
 */
import { eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import { messageEventData } from "../events/message-data.ts";
import type { IngestResult } from "../plugins/types.ts";
import type { Store } from "../store/index.ts";
import type { Message } from "../store/messages.ts";
import { attachments, messages } from "../store/schema.ts";

/**
 * Hides a stored message the sender deleted.
 *
 * @example
 * if (message.deleted) return hideDeleted({ store, clock, bus }, stored);
 */
export async function hideDeleted(deps: { store: Store; clock: Clock; bus: EventBus }, stored: Message | undefined): Promise<IngestResult> {
  if (!stored) return { status: "dropped", reason: "the deleted message was never stored here" };
  const ids = { messageId: stored.id, conversationId: stored.conversationId, contactId: stored.contactId };
  if (stored.metadata.deleted) return { status: "duplicate", ...ids };
  const now = deps.clock.now();
  const { edits: _edits, ...kept } = stored.metadata;
  const [row] = await deps.store.write(async (tx) => {
    await tx.delete(attachments).where(eq(attachments.messageId, stored.id));
    return tx
      .update(messages)
      .set({ text: "", html: null, metadata: { ...kept, deleted: { at: now } }, updatedAt: now })
      .where(eq(messages.id, stored.id))
      .returning();
  });
  await deps.bus.publish("message.updated", {
    ...messageEventData(row!),
    deliveryStatus: row!.deliveryStatus,
    deliveryError: row!.deliveryError,
  });
  return { status: "edited", ...ids };
}
