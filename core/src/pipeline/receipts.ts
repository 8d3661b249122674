/**
 * Delivery receipts from channels (delivered, read, bounced) for messages Switchboard sent. A status
 * only moves forward (sent → delivered → read); "failed" (a bounce) applies whatever came before.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import { messageUpdatedData } from "../events/message-data.ts";
import type { DeliveryReport } from "../plugins/types.ts";
import type { Store } from "../store/index.ts";
import { type DeliveryStatus, messages } from "../store/schema.ts";

/** The statuses a receipt may move a message from. */
const movableFrom: Record<DeliveryReport["status"], DeliveryStatus[]> = {
  delivered: ["sending", "sent"],
  read: ["sending", "sent", "delivered"],
  failed: ["sending", "sent", "delivered", "read"],
};

/** Applies a receipt to the outgoing message of `inbox` with that external id. Returns whether one changed. */
export async function recordDeliveryReport(
  deps: { store: Store; clock: Clock; bus: EventBus },
  inbox: string,
  report: DeliveryReport,
): Promise<boolean> {
  const now = deps.clock.now();
  const event = await deps.store.write(async (tx) => {
    const [updated] = await tx
      .update(messages)
      .set({
        deliveryStatus: report.status,
        deliveryError: report.status === "failed" ? (report.error ?? "The channel reported the message as not delivered.") : null,
        updatedAt: now,
      })
      .where(
        and(
          eq(messages.inbox, inbox),
          eq(messages.externalId, report.externalId),
          eq(messages.direction, "outgoing"),
          inArray(messages.deliveryStatus, movableFrom[report.status]),
        ),
      )
      .returning();
    return updated ? deps.bus.record(tx, "message.updated", messageUpdatedData(updated)) : undefined;
  });
  if (!event) return false;
  deps.bus.announce(event);
  return true;
}
