/**
 * WhatsApp's statuses (`value.statuses[]`) as delivery receipts: `delivered`, `read` and `failed`
 * (with Meta's code and title for the agent); `sent` is what the send itself recorded. Core keeps a
 * status from moving backwards and ignores repeats. A status can overtake the send's answer (the
 * message has no WhatsApp id yet): then it is tried again by a durable job, a few times.
 */
import type { DeliveryReport } from "@switchboard/core";
import { failedStatusText } from "./errors.ts";
import type { WhatsAppStatus } from "./payload.ts";

/** Waits before trying an unmatched status again (the send's answer is usually a second away). */
export const STATUS_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];

/**
 * The receipt for one status, or undefined for statuses that change nothing (`sent`, `deleted`, `warning`).
 *
 * @example
 * toDeliveryReport({ id: "wamid.1", status: "read", timestamp: "1700000000" }); // { externalId: "wamid.1", status: "read" }
 */
export function toDeliveryReport(status: WhatsAppStatus): DeliveryReport | undefined {
  if (status.status === "delivered" || status.status === "read") return { externalId: status.id, status: status.status };
  if (status.status === "failed") return { externalId: status.id, status: "failed", error: failedStatusText(status.errors) };
  return undefined;
}
