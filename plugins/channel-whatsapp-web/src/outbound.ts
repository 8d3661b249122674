/**
 * Replies through WhatsApp Web: the chat id from the conversation (a group's thread key, or the
 * contact's phone or lid id), the text, then each attachment as media (the first carries the text as
 * its caption when there is no text of its own to send). Every send waits its turn in the pacer.
 * A disconnected session is a retryable failure that says to scan the QR code; a number WhatsApp
 * refuses is permanent.
 */
import { DeliveryError, type OutboundMessage, type OutboundTarget, type SendResult } from "@switchboard/core";
import type { ClientFactory, WaMessage, WhatsAppClient } from "./client.ts";
import type { Pacer } from "./pacer.ts";

export interface OutboundDeps {
  /** The client when the session is ready, or why not. */
  ready(): { client: WhatsAppClient } | { problem: string };
  media: ClientFactory["media"];
  pacer: Pacer;
}

/** How long the outbox waits before retrying while the session is not ready. */
export const NOT_READY_RETRY_MS = 60_000;

/** The WhatsApp chat id for a conversation. */
export function chatIdFor(target: Pick<OutboundTarget, "threadKey" | "contact">): string {
  if (target.threadKey?.endsWith("@g.us")) return target.threadKey;
  const id = target.contact.externalId;
  if (!id) throw new DeliveryError("This contact has never written on WhatsApp, so there is no chat to answer in.", { retryable: false });
  if (id.includes("@")) return id;
  const digits = id.replace(/^\+/, "");
  if (!/^\d{6,15}$/.test(digits)) throw new DeliveryError(`"${id}" is not a WhatsApp number.`, { retryable: false });
  return `${digits}@c.us`;
}

function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid wid|wid error|No LID for user|not a valid/i.test(message))
    return new DeliveryError(`WhatsApp refused the chat id (${message}): the number has no WhatsApp or was written wrongly.`, {
      retryable: false,
      cause: error,
    });
  return new DeliveryError(`WhatsApp Web could not send: ${message.split("\n")[0]}`, { cause: error });
}

/**
 * Sends one outbound message; resolves to the id of its first WhatsApp message.
 *
 * @example
 * send: (target, message) => sendToWhatsApp(deps, target, message),
 */
export async function sendToWhatsApp(deps: OutboundDeps, target: OutboundTarget, message: OutboundMessage): Promise<SendResult> {
  const chatId = chatIdFor(target);
  const files = message.attachments.map((file) => {
    if (!file.data)
      throw new DeliveryError(`The attachment "${file.filename}" has no bytes to send; attach the file itself.`, { retryable: false });
    return deps.media(file.contentType, file.data, file.filename);
  });
  const ready = deps.ready();
  if ("problem" in ready) throw new DeliveryError(ready.problem, { retryAfterMs: NOT_READY_RETRY_MS });
  const { client } = ready;
  const text = message.text.trim();
  const sent: WaMessage[] = [];
  try {
    if (text && files.length !== 1) {
      await deps.pacer.turn(chatId);
      sent.push(await client.sendMessage(chatId, message.text));
    }
    for (const [index, media] of files.entries()) {
      await deps.pacer.turn(chatId);
      const caption = files.length === 1 && index === 0 && text ? { caption: message.text } : undefined;
      sent.push(await client.sendMessage(chatId, media, caption));
    }
  } catch (error) {
    // Parts already sent stay sent; a retry would repeat them, so a partial send is not retried.
    if (sent.length > 0)
      throw new DeliveryError(`Only ${sent.length} part(s) reached WhatsApp before it failed: ${String(error)}`, { retryable: false });
    throw toDeliveryError(error);
  }
  return sent[0] ? { externalId: sent[0].id._serialized } : {};
}
