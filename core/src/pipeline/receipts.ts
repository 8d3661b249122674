/**
 * Delivery receipts from channels (delivered, read, bounced) for messages Switchboard sent. A status
 * only moves forward (sent → delivered → read); "failed" (a bounce) applies whatever came before.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import { messageEventData } from "../events/message-data.ts";
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
  const [updated] = await deps.store.write((tx) =>
    tx
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
      .returning(),
  );
  if (!updated) return false;
  deps.bus.publish("message.updated", {
    ...messageEventData(updated),
    deliveryStatus: updated.deliveryStatus,
    deliveryError: updated.deliveryError,
  });
  return true;
}
