/**
 * Reads delivery status notifications (RFC 3464: `multipart/report; report-type=delivery-status`).
 * From the `message/delivery-status` part it takes each recipient's Action, Status and
 * Diagnostic-Code; from the returned message (`message/rfc822` or `text/rfc822-headers`) the
 * Message-ID of the mail that bounced, which is the external id of our outgoing message.
 */
import type { Attachment, ParsedMail } from "mailparser";
import { parseMessageIds } from "./message-ids.ts";

export interface Bounce {
  /** The Message-ID (no brackets) of the message that could not be delivered, when the report names it. */
  originalMessageId: string | null;
  /** "failed", "delayed", "delivered", "relayed" or "expanded" (the worst one reported). */
  action: string;
  /** A readable reason, such as "550 5.1.1 <bob@example.com>: User unknown (bob@example.com)". */
  error: string;
  recipients: { recipient: string; action: string; status: string; diagnostic: string }[];
}

/** Parses "Name: value" lines (with folding) of one block. */
function fields(block: string): Map<string, string> {
  const map = new Map<string, string>();
  let last = "";
  for (const line of block.split(/\r?\n/)) {
    if (/^\s/.test(line) && last) {
      map.set(last, `${map.get(last)} ${line.trim()}`);
      continue;
    }
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    last = match[1]!.toLowerCase();
    map.set(last, match[2]!.trim());
  }
  return map;
}

/** Strips the "rfc822;" / "smtp;" type prefix of a DSN field. */
function untyped(value: string | undefined): string {
  return (value ?? "").replace(/^[a-z0-9-]+;\s*/i, "").trim();
}

function readRecipients(status: Attachment | undefined): Bounce["recipients"] {
  if (!status) return [];
  const blocks = status.content
    .toString("utf8")
    .split(/\r?\n\s*\r?\n/)
    .slice(1);
  return blocks
    .map(fields)
    .filter((f) => f.has("action"))
    .map((f) => ({
      recipient: untyped(f.get("final-recipient") ?? f.get("original-recipient")),
      action: (f.get("action") ?? "").toLowerCase(),
      status: f.get("status") ?? "",
      diagnostic: untyped(f.get("diagnostic-code")),
    }));
}

/** The Message-ID header of the returned message or headers part. */
function returnedMessageId(returned: Attachment | undefined): string | null {
  if (!returned) return null;
  const head = returned.content.toString("utf8").split(/\r?\n\r?\n/)[0] ?? "";
  const id = fields(head).get("message-id");
  return parseMessageIds(id)[0] ?? null;
}

const RANK = ["failed", "delayed", "relayed", "expanded", "delivered"];

/**
 * The bounce a message reports, or null when it is not a delivery status notification.
 * Parse with `keepDeliveryStatus: true` so the status part arrives as an attachment.
 *
 * @example
 * const bounce = readBounce(parsed);
 * if (bounce?.action === "failed" && bounce.originalMessageId) await inbox.reportDelivery({ externalId: bounce.originalMessageId, status: "failed", error: bounce.error });
 */
export function readBounce(parsed: ParsedMail): Bounce | null {
  const contentType = parsed.headers.get("content-type");
  if (!contentType || typeof contentType !== "object" || !("value" in contentType) || Array.isArray(contentType)) return null;
  const params = (contentType as { params?: Record<string, string> }).params ?? {};
  if (String(contentType.value).toLowerCase() !== "multipart/report" || (params["report-type"] ?? "").toLowerCase() !== "delivery-status")
    return null;
  const status = parsed.attachments.find((a) => /^message\/(?:global-)?delivery-status$/i.test(a.contentType));
  const returned = parsed.attachments.find((a) =>
    /^(?:message\/rfc822|message\/global|text\/rfc822-headers|message\/global-headers)$/i.test(a.contentType),
  );
  const recipients = readRecipients(status);
  const action = recipients.map((r) => r.action).sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0] ?? "failed";
  const reasons = recipients
    .filter((r) => r.action === action)
    .map((r) => `${r.diagnostic || r.status || "undeliverable"} (${r.recipient || "unknown recipient"})`);
  return {
    originalMessageId: returnedMessageId(returned),
    action,
    error: `Bounced: ${reasons.join("; ") || "the receiving server returned the message as undeliverable"}`,
    recipients,
  };
}
