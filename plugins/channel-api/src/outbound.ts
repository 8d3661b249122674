/**
 * The outbound side of the API channel: each agent reply is POSTed as signed JSON to the inbox's
 * `webhook_url`. 2xx is delivered; 429 is retried after its Retry-After; 5xx and network errors are
 * retried with backoff; other 4xx fail at once. Every attempt carries the same Idempotency-Key.
 */
import {
  DeliveryError,
  type OutboundMessage,
  type OutboundTarget,
  type SendResult,
  SIGNATURE_HEADER,
  signWebhook,
} from "@switchboard/core";

/** The JSON body of a reply webhook. */
export interface ApiReplyPayload {
  event: "message.outgoing";
  message: {
    id: number;
    text: string;
    html: string | null;
    conversation_id: number;
    thread_id: string | null;
    in_reply_to: string | null;
    contact: { id: string | null; switchboard_id: number };
    agent: { id: number; name: string } | null;
    attachments: { filename: string; content_type: string; size: number; url: string | null }[];
  };
}

/** Parses Retry-After (seconds, or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function sendReply(
  options: { webhookUrl: string | undefined; secret: string; timeoutMs: number },
  target: OutboundTarget,
  message: OutboundMessage,
): Promise<SendResult> {
  if (!options.webhookUrl) {
    throw new DeliveryError(
      `The inbox "${target.inbox}" has no webhook_url, so replies have nowhere to go. Set options.webhook_url for it in config/switchboard.toml, then retry.`,
      { retryable: false },
    );
  }
  const payload: ApiReplyPayload = {
    event: "message.outgoing",
    message: {
      id: message.id,
      text: message.text,
      html: message.html,
      conversation_id: target.conversationId,
      thread_id: target.threadKey,
      in_reply_to: target.replyToExternalId,
      contact: { id: target.contact.externalId ?? null, switchboard_id: target.contact.id },
      agent: message.agent,
      attachments: message.attachments.map((a) => ({ filename: a.filename, content_type: a.contentType, size: a.size, url: a.url })),
    },
  };
  const body = JSON.stringify(payload);
  let response: Response;
  try {
    response = await fetch(options.webhookUrl, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": message.idempotencyKey,
        [SIGNATURE_HEADER]: await signWebhook(options.secret, body),
      },
    });
  } catch (error) {
    throw new DeliveryError(`Could not reach ${new URL(options.webhookUrl).origin}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (response.status === 429)
    throw new DeliveryError("The receiver is rate limiting (HTTP 429).", {
      retryAfterMs: retryAfterMs(response.headers.get("Retry-After")),
    });
  if (response.status >= 500) throw new DeliveryError(`The receiver failed (HTTP ${response.status}).`);
  if (!response.ok)
    throw new DeliveryError(`The receiver refused the reply (HTTP ${response.status}): ${text.slice(0, 200)}`, { retryable: false });
  const externalId = readExternalId(text);
  return externalId ? { externalId } : {};
}

/** Takes `id` from a JSON answer like `{ "id": "abc" }`, when there is one. */
function readExternalId(text: string): string | undefined {
  if (!text.trim().startsWith("{")) return undefined;
  const parsed = JSON.parse(text) as { id?: unknown };
  return typeof parsed.id === "string" || typeof parsed.id === "number" ? String(parsed.id) : undefined;
}
